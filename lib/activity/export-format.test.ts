import { describe, expect, it } from "vitest";
import { csvCell } from "./export-format";

describe("csvCell", () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ["+1+cmd|' /C calc'!A0", `"'+1+cmd|' /C calc'!A0"`],
    ["-2+3", `"'-2+3"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    ["\t=1", `"'\t=1"`],
    ["\r=1", `"'\r=1"`],
    ["  =1+1", `"'  =1+1"`],
    ["\uFF1D1+1", `"'\uFF1D1+1"`],
  ])("neutralises a formula: %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ["plain", "plain"],
    ["a,b", `"a,b"`],
    ['say "hi"', `"say ""hi"""`],
    ["line\nbreak", `"line\nbreak"`],
    ["1-2", "1-2"],
    ["", ""],
  ])("quotes only what needs it: %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("leaves null as an empty cell", () => {
    expect(csvCell(null)).toBe("");
  });
});
