import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import { fetchPage } from "./http";

/**
 * Item 5: first-load JavaScript of a page in the production build. Turbopack lists a
 * route's client chunks per layout segment in
 * `server/app/<route>/page_client-reference-manifest.js` (`entryJSFiles`); the framework's
 * own chunks every page loads are `rootMainFiles` in build-manifest.json. Their union,
 * each file gzipped with node:zlib (level 9, roughly what a CDN serves), is the figure.
 * The polyfill chunk is left out: it is `nomodule`, loaded only by legacy browsers.
 * As a check, the same is summed over the <script src> tags of the page as served.
 */

export interface PageWeight {
  route: string;
  chunks: number;
  rawKb: number;
  gzipKb: number;
  htmlChunks: number;
  htmlGzipKb: number;
}

function entryChunks(distDir: string, route: string): string[] {
  const file = path.join(distDir, "server", "app", ...route.split("/").filter(Boolean), "page_client-reference-manifest.js");
  const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(file, "utf8"), sandbox);
  const manifest = sandbox.__RSC_MANIFEST?.[`${route}/page`];
  if (!manifest?.entryJSFiles) throw new Error(`no entryJSFiles for ${route} in ${file}`);
  return Object.values(manifest.entryJSFiles).flat();
}

function gzipKbOf(distDir: string, files: string[]): { rawKb: number; gzipKb: number } {
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const full = path.join(distDir, f);
    if (!existsSync(full)) throw new Error(`chunk ${f} listed but not in ${distDir}`);
    const bytes = readFileSync(full);
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  return { rawKb: Math.round((raw / 1024) * 10) / 10, gzipKb: Math.round((gz / 1024) * 10) / 10 };
}

/** `route` as in the app directory, e.g. "/(console)/dashboard"; `url` is where it is served. */
export async function pageWeight(distDir: string, route: string, url: string, cookie: string): Promise<PageWeight> {
  const build = JSON.parse(readFileSync(path.join(distDir, "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const files = [...new Set([...build.rootMainFiles, ...entryChunks(distDir, route)])];
  const fromManifest = gzipKbOf(distDir, files);
  const page = await fetchPage(url, cookie);
  if (page.status !== 200) throw new Error(`${url} answered ${page.status}`);
  // Every <script src> the page loads, except the legacy-only `noModule` polyfill.
  const tags = [...page.html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]).filter((tag) => !/nomodule/i.test(tag));
  const scripts = [...new Set(tags.map((tag) => /\ssrc="\/_next\/(static\/[^"]+\.js)"/.exec(tag)?.[1]).filter((s): s is string => !!s))];
  const fromHtml = gzipKbOf(distDir, scripts);
  return { route: url, chunks: files.length, ...fromManifest, htmlChunks: scripts.length, htmlGzipKb: fromHtml.gzipKb };
}
