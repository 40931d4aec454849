import { describe, expect, it } from "vitest";
import { currentSort, listHref, listParamsOf, sortHref } from "@/lib/forms/list-params";

describe("list parameters in the URL", () => {
  it("keeps the list's own keys, drops empty ones and other parameters", () => {
    expect(listParamsOf({ q: " web ", sort: "name", page: "", next: "/x", order: ["desc", "asc"] })).toEqual({
      q: "web",
      sort: "name",
      order: "desc",
    });
  });

  it("a header sorts in its natural order first, then flips, and starts again at page 1", () => {
    const params = { q: "web", page: "3" };
    expect(sortHref("/dashboard", params, "name", currentSort(params, "created"))).toBe("/dashboard?q=web&sort=name");
    expect(sortHref("/dashboard", params, "memory", currentSort(params, "created"))).toBe("/dashboard?q=web&sort=memory");
    const byName = { q: "web", sort: "name" };
    expect(sortHref("/dashboard", byName, "name", currentSort(byName, "created"))).toBe("/dashboard?q=web&sort=name&order=desc");
    // The default column, unsorted in the URL, flips too.
    expect(sortHref("/dashboard", {}, "created", currentSort({}, "created"))).toBe("/dashboard?sort=created&order=asc");
  });

  it("links to pages keep the rest of the list's state", () => {
    expect(listHref("/users", { q: "ann", sort: "email", order: "desc" }, { page: "2" })).toBe("/users?q=ann&sort=email&order=desc&page=2");
    expect(listHref("/users", { q: "ann", page: "2" }, { q: undefined, page: undefined })).toBe("/users");
  });

  it("reads the current sort with its natural order, ignoring an order that is not one", () => {
    expect(currentSort({ sort: "memory" }, "created")).toEqual({ sort: "memory", order: "desc" });
    expect(currentSort({ sort: "name", order: "sideways" }, "created")).toEqual({ sort: "name", order: "asc" });
  });
});
