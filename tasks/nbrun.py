#!/usr/bin/env python3
"""Execute a Deno Jupyter notebook headless, completely and strictly.

Run with Debian's interpreter (/usr/bin/python3: jupyter_client, nbformat):

    nbrun.py IN.ipynb OUT.ipynb [--kernel xlir-deno] [--timeout 1800] [--cwd DIR]

Why not `jupyter nbconvert --execute`: Deno's kernel (2.x) reports a cell idle
before all its outputs are sent, and stamps the late ones with the *next*
request's parent header, so nbconvert silently drops or misfiles 10-25% of the
outputs. Unhandled promise rejections and errors thrown from timers are not
reported at all (the cell is "ok"). This runner therefore

* executes one cell at a time, then a barrier request that prints a unique
  token; iopub is FIFO, so everything the kernel sent before the token belongs
  to the cell, whatever parent header it carries;
* installs `unhandledrejection` / `error` listeners in a hidden first request
  and has each barrier report (and clear) what they caught;
* fails (exit 1) on the first cell with an error reply, an error output or a
  caught asynchronous error, writing the notebook executed so far;
* echoes the cells' stderr (progress bars) to its own stderr.

The output notebook is written atomically (temporary file + rename).
"""

import argparse
import json
import os
import queue
import sys
import time
import uuid

import jupyter_client
import nbformat

SETUP = """globalThis.__xlirAsyncErrors = [];
globalThis.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  globalThis.__xlirAsyncErrors.push("Unhandled promise rejection: " + (e.reason?.stack ?? String(e.reason)));
});
globalThis.addEventListener("error", (e) => {
  e.preventDefault();
  globalThis.__xlirAsyncErrors.push("Uncaught error: " + (e.error?.stack ?? e.message));
});"""


def barrier_code(token):
    return f'console.log("{token}" + JSON.stringify(globalThis.__xlirAsyncErrors.splice(0)))'


class CellError(Exception):
    pass


def wait_reply(kc, msg_id, deadline):
    while True:
        remaining = deadline - time.time()
        if remaining <= 0:
            raise CellError("timed out waiting for the kernel's reply")
        try:
            msg = kc.get_shell_msg(timeout=min(remaining, 5))
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


def run_cell(kc, source, deadline, echo_stderr):
    """Executes one cell; returns (reply content, outputs, async errors)."""
    msg_id = kc.execute(source, store_history=True, allow_stdin=False)
    reply = wait_reply(kc, msg_id, deadline)
    token = "__xlir_barrier_" + uuid.uuid4().hex
    barrier_id = kc.execute(barrier_code(token), store_history=False, allow_stdin=False)
    barrier_reply = wait_reply(kc, barrier_id, deadline)
    if barrier_reply.get("status") != "ok":
        raise CellError("the barrier request failed: " + json.dumps(barrier_reply)[:500])
    outputs, async_errors = [], []
    seen_token = False
    while not seen_token:
        remaining = deadline - time.time()
        if remaining <= 0:
            raise CellError("timed out waiting for the cell's outputs")
        try:
            msg = kc.get_iopub_msg(timeout=min(remaining, 5))
        except queue.Empty:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind in ("status", "execute_input"):
            continue
        if kind == "stream":
            text = content.get("text", "")
            kept = []
            for line in text.splitlines(keepends=True):
                if line.startswith(token):
                    seen_token = True
                    async_errors.extend(json.loads(line[len(token):]))
                else:
                    kept.append(line)
            text = "".join(kept)
            if not text:
                continue
            if content.get("name") == "stderr" and echo_stderr:
                sys.stderr.write(text)
                sys.stderr.flush()
            if outputs and outputs[-1].output_type == "stream" and outputs[-1].name == content["name"]:
                outputs[-1].text += text
            else:
                outputs.append(nbformat.v4.new_output("stream", name=content["name"], text=text))
        elif kind == "clear_output":
            outputs = []
        elif kind in ("execute_result", "display_data", "error"):
            if kind == "execute_result" and msg["parent_header"].get("msg_id") == barrier_id:
                continue  # the barrier's own result, if the kernel sends one
            out = nbformat.v4.output_from_msg(msg)
            outputs.append(out)
    return reply, outputs, async_errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--kernel", default="xlir-deno")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per cell")
    ap.add_argument("--cwd", default=None, help="kernel working directory (default: the notebook's)")
    ap.add_argument("--quiet", action="store_true", help="do not echo the cells' stderr")
    args = ap.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    cwd = args.cwd or os.path.dirname(os.path.abspath(args.input))
    km = jupyter_client.KernelManager(kernel_name=args.kernel)
    km.start_kernel(cwd=cwd, env=os.environ.copy())
    kc = km.client()
    kc.start_channels()
    failed = None
    try:
        kc.wait_for_ready(timeout=120)
        deadline = time.time() + 120
        reply, _, _ = run_cell(kc, SETUP, deadline, False)
        if reply.get("status") != "ok":
            raise CellError("the runner's setup request failed")
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        for c in code_cells:
            c.outputs = []
            c.execution_count = None
        for i, cell in enumerate(code_cells):
            t0 = time.time()
            reply, outputs, async_errors = run_cell(
                kc, cell.source, time.time() + args.timeout, not args.quiet)
            for err in async_errors:
                outputs.append(nbformat.v4.new_output(
                    "error", ename="AsyncError", evalue=err.split("\n")[0], traceback=err.split("\n")))
            cell.outputs = outputs
            cell.execution_count = reply.get("execution_count")
            cell.metadata["xlir"] = {"seconds": round(time.time() - t0, 3)}
            errors = [o for o in outputs if o.output_type == "error"]
            if reply.get("status") != "ok" or errors:
                detail = errors[0] if errors else reply
                ename = detail.get("ename", "Error")
                evalue = detail.get("evalue", "")
                failed = f"cell {i + 1} of {len(code_cells)} failed: {ename}: {evalue}"
                if not errors:
                    cell.outputs.append(nbformat.v4.new_output(
                        "error", ename=ename, evalue=evalue, traceback=reply.get("traceback", [])))
                break
    except CellError as err:
        failed = str(err)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    tmp = f"{args.output}.{os.getpid()}.tmp"
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    nbformat.write(nb, tmp)
    os.replace(tmp, args.output)
    if failed:
        print(f"nbrun: {args.input}: {failed}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
