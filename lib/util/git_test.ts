import assert from "node:assert/strict";
import { join } from "node:path";
import { gitRevisionOf } from "./git.ts";

async function git(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@t", ...args],
    cwd: dir,
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("gitRevisionOf: -dirty for changed code, not for regenerated results", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await gitRevisionOf(dir), "unknown");
    await git(dir, "init", "-q");
    await Deno.mkdir(join(dir, "results"));
    await Deno.writeTextFile(join(dir, "code.ts"), "a\n");
    await Deno.writeTextFile(join(dir, "results/table.tsv"), "1\n");
    await git(dir, "add", ".");
    await git(dir, "commit", "-qm", "x");
    const head = await git(dir, "rev-parse", "HEAD");
    assert.equal(await gitRevisionOf(dir), head);
    await Deno.writeTextFile(join(dir, "results/table.tsv"), "2\n");
    await Deno.writeTextFile(join(dir, "untracked.ts"), "u\n");
    assert.equal(await gitRevisionOf(dir), head);
    await Deno.writeTextFile(join(dir, "code.ts"), "b\n");
    assert.equal(await gitRevisionOf(dir), `${head}-dirty`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
