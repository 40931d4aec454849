import "server-only";
import Docker from "dockerode";

// The only module that constructs a dockerode client (a test enforces that nothing
// outside lib/docker imports dockerode). docker-modem reads DOCKER_HOST / DOCKER_CERT_PATH
// itself, or falls back to /var/run/docker.sock.
const globalForDocker = globalThis as unknown as { berthDocker?: Docker };

export function docker(): Docker {
  globalForDocker.berthDocker ??= new Docker();
  return globalForDocker.berthDocker;
}
