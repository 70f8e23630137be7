"""The language server as an editor sees it: `kasu lsp` in its own process, spoken to over a pipe.

    python benchmarks/lsp.py                 # 50 edits of examples/mhlw-baseline.kasu, medians
    python benchmarks/lsp.py --edits 100 --debounce 20
    python benchmarks/lsp.py --policy examples/retail.kasu   # a policy that extends the baseline

Needs the `lsp` extra (pygls). Rows:
- diagnostics after a change: from sending `didChange` (one character typed into a rule) to
  receiving `publishDiagnostics` for that version, debounce included (issue 18: within 100 ms);
- completion: a `textDocument/completion` request inside a rule, answered (issue 18: within 50 ms);
- hover on a rule name (the staff guide's criteria are built for it) and formatting of the file;
- in process, without the protocol: the analysis alone (load + check + index).
Each edit alternates between a text that checks clean and one with an unknown name, so every
other change publishes an error.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "mhlw-baseline.kasu"


async def measure(edits: int, debounce: float, policy: Path = POLICY) -> dict[str, list[float]]:
    from lsprotocol import types as t
    from pygls.lsp.client import LanguageClient
    from pygls.uris import from_fs_path

    text = policy.read_text(encoding="utf-8")
    uri = from_fs_path(str(policy))
    client = LanguageClient("kasu-bench", "1")
    arrived: dict[int, float] = {}
    waiting: dict[int, asyncio.Future] = {}

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        arrived[params.version] = time.perf_counter()
        future = waiting.pop(params.version, None)
        if future is not None and not future.done():
            future.set_result(params.diagnostics)

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    await client.start_io(sys.executable, "-m", "kasuhara_rules", "lsp", env=env)
    lines = text.split("\n")
    rule_line = next(i for i, line in enumerate(lines) if line.startswith("rule "))
    when_line = next(i for i in range(rule_line, len(lines)) if lines[i].lstrip().startswith("when"))
    name_at = lines[rule_line].index(" ") + 1
    results: dict[str, list[float]] = {"diagnostics after a change": [], "completion": [], "hover on a rule": [],
                                       "formatting (whole file)": []}
    try:
        await client.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(), initialization_options={"lang": "ja", "debounceMs": debounce}))
        client.initialized(t.InitializedParams())
        loop = asyncio.get_running_loop()
        waiting[1] = loop.create_future()
        client.text_document_did_open(t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="kasu", version=1, text=text)))
        await asyncio.wait_for(waiting[1], 60)
        doc = t.TextDocumentIdentifier(uri=uri)
        original = lines[when_line]
        for i in range(edits):
            version = i + 2
            typed = original + ("x" if i % 2 == 0 else "")  # an unknown name, then the clean text again
            waiting[version] = loop.create_future()
            start = time.perf_counter()
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[t.TextDocumentContentChangePartial(
                    range=t.Range(start=t.Position(line=when_line, character=0),
                                  end=t.Position(line=when_line, character=len(lines[when_line]))),
                    text=typed)]))
            lines[when_line] = typed
            await asyncio.wait_for(waiting[version], 60)
            results["diagnostics after a change"].append(arrived[version] - start)

            start = time.perf_counter()
            await client.text_document_completion_async(t.CompletionParams(
                text_document=doc, position=t.Position(line=when_line + 1, character=11)))
            results["completion"].append(time.perf_counter() - start)
        for _ in range(max(edits // 5, 3)):
            start = time.perf_counter()
            await client.text_document_hover_async(t.HoverParams(
                text_document=doc, position=t.Position(line=rule_line, character=name_at)))
            results["hover on a rule"].append(time.perf_counter() - start)
            start = time.perf_counter()
            await client.text_document_formatting_async(t.DocumentFormattingParams(
                text_document=doc, options=t.FormattingOptions(tab_size=2, insert_spaces=True)))
            results["formatting (whole file)"].append(time.perf_counter() - start)
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
    return results


def in_process(runs: int, policy: Path = POLICY) -> list[float]:
    sys.path.insert(0, str(ROOT / "src"))
    from kasuhara_rules.cli.lsp.analysis import analyse

    text = policy.read_text(encoding="utf-8")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        analyse(str(policy), text)
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--debounce", type=float, default=20, help="the server's debounce in ms (default 20)")
    ap.add_argument("--policy", type=Path, default=POLICY, help="the policy to edit (default: the baseline)")
    args = ap.parse_args(argv)
    policy = args.policy.resolve()
    results = asyncio.run(measure(args.edits, args.debounce, policy))
    results["analysis in process (no protocol)"] = in_process(max(args.edits // 5, 5), policy)
    lines = len(policy.read_text(encoding="utf-8").split("\n"))
    print(f"kasu lsp on {policy.name} ({lines} lines), {args.edits} edits, debounce {args.debounce:g} ms")
    print(f"{'measure':<38} {'median ms':>10} {'p90 ms':>8} {'max ms':>8} {'runs':>5}")
    for name, times in results.items():
        ms = sorted(x * 1000 for x in times)
        p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
        print(f"{name:<38} {statistics.median(ms):>10.1f} {p90:>8.1f} {ms[-1]:>8.1f} {len(ms):>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
