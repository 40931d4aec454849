import { describe, expect, it } from "vitest";
import { splitCommand } from "@/lib/forms/split-command";

describe("splitCommand", () => {
  it.each([
    ["", []],
    ["   ", []],
    ["httpd -f -p 8080", ["httpd", "-f", "-p", "8080"]],
    ["  sleep\t 10  ", ["sleep", "10"]],
    ["sh -c 'echo hello; sleep 1'", ["sh", "-c", "echo hello; sleep 1"]],
    [`sh -c "echo \\"hi\\" there"`, ["sh", "-c", 'echo "hi" there']],
    [`echo "a\\\\b" 'c\\d'`, ["echo", "a\\b", "c\\d"]],
    ["echo ''", ["echo", ""]],
    [`echo ""`, ["echo", ""]],
    ["echo a'b c'd", ["echo", "ab cd"]],
    ["echo it\\'s", ["echo", "it's"]],
    ["echo a\\ b", ["echo", "a b"]],
    ["echo $HOME *", ["echo", "$HOME", "*"]],
    [`echo "it's"`, ["echo", "it's"]],
    [`echo 'say "hi"'`, ["echo", 'say "hi"']],
  ])("%j → %j", (line, args) => {
    expect(splitCommand(line)).toEqual({ ok: true, args });
  });

  it.each([
    ["sh -c 'unterminated", "close the single quote"],
    ['echo "open', "close the double quote"],
    ["echo \\", "the command ends with a lone backslash"],
  ])("%j is an error: %s", (line, error) => {
    expect(splitCommand(line)).toEqual({ ok: false, error });
  });
});
