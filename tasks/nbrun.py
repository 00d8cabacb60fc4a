#!/usr/bin/env python3
"""Execute a Deno Jupyter notebook headless, completely and strictly.

Run with Debian's interpreter (/usr/bin/python3: jupyter_client, nbformat):

    nbrun.py IN.ipynb OUT.ipynb [--kernel xlir-deno] [--timeout 1800] [--cwd DIR]
             [--pgid-file FILE]

Why not `jupyter nbconvert --execute`: Deno's kernel (2.x) reports a cell idle
before all its outputs are sent, and stamps the late ones with the *next*
request's parent header, so nbconvert silently drops or misfiles 10-25% of the
outputs. Unhandled promise rejections and errors thrown from timers are not
reported at all (the cell is "ok"). This runner therefore

* executes one cell at a time, then a barrier request that prints a unique
  token; iopub is FIFO, so everything the kernel sent before the token belongs
  to the cell, whatever parent header it carries (that includes the cell's
  execute_result, which the kernel often sends stamped with the barrier's
  header); the barrier evaluates to undefined, which sends no result;
* installs `unhandledrejection` / `error` listeners in a hidden first request
  and has each barrier report (and clear) what they caught;
* fails (exit 1) on the first cell with an error reply, an error output or a
  caught asynchronous error, writing the notebook executed so far;
* reads the kernel's output while a cell runs and echoes its stderr
  (progress bars) to its own stderr as it comes;
* never leaves the kernel running: SIGTERM, SIGHUP and SIGINT stop the run
  (exit 128 + the signal's number) and kill the kernel's whole process group
  (the kernel runs in a session of its own, with anything it started); the
  kernel is started with PR_SET_PDEATHSIG, so it is killed with this runner
  even when the runner is killed with SIGKILL; and the runner stops when the
  process that started it dies (it polls its parent). `--pgid-file` records
  the kernel's process group for the caller, which kills it too after the
  runner ends.

The output notebook is written atomically (temporary file + rename; the
temporary name, `OUT.<pid>.nb.tmp`, is one that `lib/util/stale_tmp.ts`
recognises when a killed runner leaves it).
"""

import argparse
import ctypes
import json
import os
import queue
import signal
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


class Interrupted(Exception):
    """A signal, or the death of the process that started the runner."""

    def __init__(self, reason, code):
        super().__init__(reason)
        self.code = code


def on_signal(signum, _frame):
    # Further signals must not interrupt the clean-up.
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, signal.SIG_IGN)
    raise Interrupted(f"interrupted by {signal.Signals(signum).name}", 128 + signum)


PARENT = os.getppid()


def check_parent():
    if os.getppid() != PARENT:
        raise Interrupted("the process that started it has died", 1)


def die_with_runner():
    """preexec_fn of the kernel: SIGKILL it when the runner dies (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def kill_group(pgid):
    if pgid is None:
        return
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def wait_reply(kc, msg_id, deadline):
    while True:
        check_parent()
        remaining = deadline - time.time()
        if remaining <= 0:
            raise CellError("timed out waiting for the kernel's reply")
        try:
            msg = kc.get_shell_msg(timeout=min(remaining, 5))
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


class ProgressTail:
    """Follows the file the kernel's progress lines go to (XLIR_PROGRESS_FILE):
    Deno's kernel sends a cell's console output only when the cell ends, so
    progress bars reach the terminal this way, as they happen."""

    def __init__(self, path, echo):
        self.path, self.echo, self.pos = path, echo, 0

    def poll(self):
        if not self.echo:
            return
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return
        if data:
            self.pos += len(data)
            sys.stderr.write(data.decode("utf-8", "replace"))
            sys.stderr.flush()


def run_cell(kc, source, deadline, echo_stderr, tail=None):
    """Executes one cell; returns (reply content, outputs, async errors).

    iopub is read while the cell runs, so its stderr (progress bars) is echoed
    live; everything the kernel sends before the barrier token is the cell's.
    """
    msg_id = kc.execute(source, store_history=True, allow_stdin=False)
    token = "__xlir_barrier_" + uuid.uuid4().hex
    reply = None
    barrier_id = None
    outputs, async_errors = [], []
    seen_token = False

    def add_stream(name, text):
        if name == "stderr" and echo_stderr:
            sys.stderr.write(text)
            sys.stderr.flush()
        if outputs and outputs[-1].output_type == "stream" and outputs[-1].name == name:
            outputs[-1].text += text
        else:
            outputs.append(nbformat.v4.new_output("stream", name=name, text=text))

    while not seen_token:
        check_parent()
        if time.time() > deadline:
            raise CellError("timed out waiting for the cell's outputs")
        if reply is None:
            try:
                msg = kc.get_shell_msg(timeout=0.05)
                if msg["parent_header"].get("msg_id") == msg_id:
                    reply = msg["content"]
                    barrier_id = kc.execute(barrier_code(token), store_history=False, allow_stdin=False)
            except queue.Empty:
                pass
        if tail is not None:
            tail.poll()
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind in ("status", "execute_input"):
            continue
        if kind == "stream":
            kept = []
            for line in content.get("text", "").splitlines(keepends=True):
                if line.startswith(token):
                    seen_token = True
                    async_errors.extend(json.loads(line[len(token):]))
                else:
                    kept.append(line)
            if kept:
                add_stream(content["name"], "".join(kept))
        elif kind == "clear_output":
            outputs = []
        elif kind in ("execute_result", "display_data", "error"):
            # No parent-header filter: the kernel stamps a late execute_result
            # with the barrier's header, and the barrier itself (console.log,
            # which evaluates to undefined) sends no execute_result.
            outputs.append(nbformat.v4.output_from_msg(msg))
    barrier_reply = wait_reply(kc, barrier_id, deadline)
    if barrier_reply.get("status") != "ok":
        raise CellError("the barrier request failed: " + json.dumps(barrier_reply)[:500])
    return reply, outputs, async_errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--kernel", default="xlir-deno")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per cell")
    ap.add_argument("--cwd", default=None, help="kernel working directory (default: the notebook's)")
    ap.add_argument("--quiet", action="store_true", help="do not echo the cells' stderr")
    ap.add_argument("--pgid-file", default=None, help="write the kernel's process group id here")
    args = ap.parse_args()
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, on_signal)

    nb = nbformat.read(args.input, as_version=4)
    cwd = args.cwd or os.path.dirname(os.path.abspath(args.input))
    # The progress file lives beside the output: its folder must exist from the start.
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    progress = f"{args.output}.{os.getpid()}.progress.tmp"
    tail = ProgressTail(progress, not args.quiet)
    env = os.environ.copy()
    env["XLIR_PROGRESS_FILE"] = progress
    km = jupyter_client.KernelManager(kernel_name=args.kernel)
    kc = None
    pgid = None
    failed = None
    code = 1
    try:
        km.start_kernel(cwd=cwd, env=env, preexec_fn=die_with_runner)
        pgid = os.getpgid(km.provisioner.process.pid)
        if args.pgid_file:
            with open(args.pgid_file, "w") as f:
                f.write(f"{pgid}\n")
        kc = km.client()
        kc.start_channels()
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
                kc, cell.source, time.time() + args.timeout, not args.quiet, tail)
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
    except Interrupted as err:
        failed, code = str(err), err.code
    finally:
        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)
        tail.poll()
        if kc is not None:
            kc.stop_channels()
        try:
            km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - the kernel may be gone already
            pass
        kill_group(pgid)
        try:
            os.remove(progress)
        except FileNotFoundError:
            pass
    tmp = f"{args.output}.{os.getpid()}.nb.tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, args.output)
    if failed:
        print(f"nbrun: {args.input}: {failed}", file=sys.stderr)
        sys.exit(code)


if __name__ == "__main__":
    main()
