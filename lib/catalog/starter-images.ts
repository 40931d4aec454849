/**
 * The starter catalog that `npm run up` and the tests register. The images themselves are
 * built locally by scripts/ensure-images.sh (same refs) with `docker import`, because no
 * public registry is assumed reachable.
 */
export interface StarterImage {
  ref: string;
  name: string;
  description: string;
  defaultPort: number | null;
  defaultCommand: string[];
  healthcheck?: { test: string[]; intervalSeconds: number; timeoutSeconds: number; retries: number };
}

export const starterImages: StarterImage[] = [
  {
    ref: "berth/static-web:1",
    name: "Static web server",
    description: "busybox httpd serving /www on port 8080. Mount a volume at /www to publish your own files.",
    defaultPort: 8080,
    defaultCommand: ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"],
    // busybox's static wget crashes on these machines; nc speaks enough HTTP for a probe.
    healthcheck: {
      test: ["CMD", "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 8080 | grep -q '200 OK'"],
      intervalSeconds: 10,
      timeoutSeconds: 3,
      retries: 3,
    },
  },
  {
    ref: "berth/shell:1",
    name: "Shell",
    description: "A busybox userland for jobs and experiments; runs `sleep` until stopped by default.",
    defaultPort: null,
    defaultCommand: ["sh", "-c", "echo ready; while true; do sleep 3600; done"],
  },
];
