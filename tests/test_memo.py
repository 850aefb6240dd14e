"""Memos renewed (:mod:`normalize._memo`): every memo registered, emptied by a renewal, and the
results the same whether a process renews them before every document or never."""

from __future__ import annotations

import ast
import gc
import threading
from pathlib import Path

import pytest

from normalize import _memo, _worker
from normalize.encoding import _cjkscore
from normalize.formats import _view
from normalize.pipeline import Options, Result

PACKAGE = Path(_memo.__file__).resolve().parent
SEEDS = Path(__file__).resolve().parents[1] / "seeds"

NOT_MEMOS = {
    # functools caches of a function of a few fixed keys: loaders, kept for the process's life
    ("text/_script.py", "_converter"): "an OpenCC converter per config",
    ("_resources.py", "load_json"): "a packaged JSON file per name",
    ("encoding/_holes.py", "_duplicates"): "a codec's duplicate table, per reader",
    ("encoding/_holes.py", "decoder"): "a codec's decoder, per codec",
    ("encoding/_tablefile.py", "header"): "a table file's header, per table",
    ("encoding/_tablefile.py", "only_decoded_by"): "a reader family's table, per wider reader",
    ("encoding/_tablefile.py", "witnesses_of"): "an OpenCC config's witnesses table, per config (three)",
    ("encoding/_tablebuild.py", "first_values"): "build time only: an OpenCC config's entries, per config",
    ("_resources.py", "installed_version"): "a package's installed version, per package",
    ("pipeline.py", "_libc"): "the C library's name and version",
    # module-level dicts that are not memos
    ("_recache.py", "_loaded"): "the cached patterns' keys: at most _recache.MAX_ENTRIES and re's own 512",
    ("encoding/_holes.py", "_PAIR_CLASSES"): "a 64 KiB table per codec, filled whole",
    ("encoding/_holes.py", "_PAIR_CHARS"): "a 256 KiB table per codec, bounded",
}
"""Containers and caches the registration test lets through, with why."""


def _items(tmp: Path) -> list[_worker.Item]:
    """The seeds, a line of UTF-8 read as GB18030 in traditional script and one in simplified,
    a Big5 file: enough for the word, bigram and context models, OpenCC and the views to fill."""
    lines = [
        ln
        for ln in (SEEDS / sorted(p.name for p in SEEDS.iterdir())[1]).read_text().splitlines()
        if len(ln) > 20
    ]
    bad = "\n".join(ln.encode().decode("gb18030", errors="replace") for ln in lines[:6])
    trad = "關於進一步優化營商環境的實施意見，各部門應當認真貫徹執行。"
    (tmp / "mojibake.txt").write_text(
        "政策标题\n" + bad + "\n" + trad.encode().decode("gb18030", "replace") + "\n"
    )
    (tmp / "big5.txt").write_bytes(("新聞標題\n" + trad * 3 + "\n").encode("big5"))
    colons = (
        "我市召开优化营商环境推进会\n来源:新华社 2024-01-02\n"
        + "会议要求各部门抓好落实。" * 8
        + "\n责任编辑:王五\n"
    )
    (tmp / "colons.txt").write_text(colons, encoding="utf-8")  # ASCII colons: the views fold them
    paths = [*sorted(SEEDS.iterdir()), *(tmp / n for n in ("mojibake.txt", "big5.txt", "colons.txt"))]
    return [_worker.PathItem(p, p.parent) for p in paths]


def _records(results: list[Result]) -> list[bytes]:
    return [rec.bytes for r in results for rec in r.records + r.quarantined]


def test_renewal_empties_every_memo(tmp_path: Path) -> None:
    _worker.run_batch(_items(tmp_path), Options())
    before = _memo.sizes()
    assert sum(n > 0 for n in before) >= len(before) * 2 // 3, before
    assert _cjkscore._tables()[0].loaded  # the word table built groups
    folded = _view.fold("來源:新華社")
    _memo.renew()
    assert _memo.sizes() == [0] * len(before)
    assert not _cjkscore._tables()[0].loaded
    assert _view.fold("來源:新華社") == folded == "来源：新华社"  # a memo with entries from the start


def test_same_results_renewed_before_every_document_or_never(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = _items(tmp_path)
    monkeypatch.setattr(_worker, "RENEW_EVERY", 10**9)
    warm = _records(_worker.run_batch(items, Options()))
    monkeypatch.setattr(_worker, "RENEW_EVERY", 1)
    renewed = _records(_worker.run_batch(items[::-1], Options())[::-1])
    assert len(warm) >= len(items) and renewed == warm


def test_run_batch_renews_every_so_many_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(_worker, "RENEW_EVERY", 3)
    monkeypatch.setattr(_worker, "_ran", 0)
    monkeypatch.setattr(_memo, "renew", lambda: calls.append(_worker._ran))
    items = _items(tmp_path)[:4]
    _worker.run_batch(items, Options())
    _worker.run_batch(items, Options())  # the count goes on across batches
    assert calls == [3, 3]  # before the 4th and the 7th document
    assert _worker._ran == 2


def _decorator_name(node: ast.expr) -> str:
    return ast.unparse(node.func if isinstance(node, ast.Call) else node)


def test_every_memo_is_registered() -> None:
    """An empty module-level dict or set, or a functools cache of a function with arguments, is a memo and
    must be registered (or be one of :data:`NOT_MEMOS`): a memo left out grows for a process's life."""
    unregistered = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.args.args:
                names = [_decorator_name(d) for d in node.decorator_list]
                if any(n in ("cache", "lru_cache", "functools.cache", "functools.lru_cache") for n in names):
                    unregistered.append((where, node.name))
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            empty = isinstance(value, ast.Dict) and not value.keys
            if empty or (isinstance(value, ast.Call) and ast.unparse(value) in ("dict()", "set()")):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                unregistered.append((where, ast.unparse(target)))
    left = [u for u in unregistered if u not in NOT_MEMOS]
    assert not left, f"register these as memos (normalize._memo) or list them in NOT_MEMOS: {left}"
    assert len(_memo._MEMOS) >= 40


def test_no_renewal_while_another_thread_runs_a_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads calling run_batch (a Dask worker with several threads): a renewal waits until no
    document is being run, so that none sees its memos emptied halfway."""
    calls: list[int] = []
    monkeypatch.setattr(_memo, "renew", lambda: calls.append(_worker._running))
    monkeypatch.setattr(_worker, "RENEW_EVERY", 1)
    monkeypatch.setattr(_worker, "_ran", 5)
    inside, go = threading.Event(), threading.Event()
    run = _worker._run

    def slow(item: _worker.Item, options: Options) -> Result:
        if isinstance(item, _worker.PathItem) and item.path.name == "one.txt":
            inside.set()
            go.wait(10)
        return run(item, options)

    monkeypatch.setattr(_worker, "_run", slow)
    (tmp_path / "one.txt").write_text("一")
    (tmp_path / "two.txt").write_text("国务院关于印发有关工作方案的通知\n" * 3)
    first = threading.Thread(
        target=_worker.run_batch, args=([_worker.PathItem(tmp_path / "one.txt", tmp_path)], Options())
    )
    first.start()  # renews (nothing running), then blocks inside its document
    assert inside.wait(10)
    _worker.run_batch([_worker.PathItem(tmp_path / "two.txt", tmp_path)], Options())  # no renewal: one runs
    go.set()
    first.join(10)
    assert calls == [0] and _worker._running == 0
    _worker.run_batch([_worker.PathItem(tmp_path / "two.txt", tmp_path)], Options())
    assert calls == [0, 0]


def test_young_generation_raised_for_the_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that runs documents collects its youngest generation less often, from its first
    document (and after each renewal of its memos) on; a caller's higher threshold is kept."""
    seen: list[tuple[int, int, int]] = []
    run = _worker._run

    def spy(item: _worker.Item, options: Options) -> Result:
        seen.append(gc.get_threshold())
        return run(item, options)

    monkeypatch.setattr(_worker, "_run", spy)
    monkeypatch.setattr(_worker, "_ran", 0)
    (tmp_path / "one.txt").write_text("国务院关于印发有关工作方案的通知\n" * 3)
    items = [_worker.PathItem(tmp_path / "one.txt", tmp_path)] * 2
    saved = gc.get_threshold()
    try:
        gc.set_threshold(700, 9, 8)
        _worker.run_batch(items, Options())
        assert seen == [(_worker.YOUNG_GENERATION, 9, 8)] * 2
        assert gc.get_threshold() == (_worker.YOUNG_GENERATION, 9, 8)
        seen.clear()
        monkeypatch.setattr(_worker, "_ran", 0)  # as after a renewal
        gc.set_threshold(10**6, 9, 8)
        _worker.run_batch(items, Options())
        assert seen == [(10**6, 9, 8)] * 2 and gc.get_threshold() == (10**6, 9, 8)
    finally:
        gc.set_threshold(*saved)


def test_documents_leave_no_cyclic_garbage(tmp_path: Path) -> None:
    """What a document allocates is freed by reference counting: nothing is left for the cyclic
    collector, which a process that runs documents calls seldom (:data:`_worker.YOUNG_GENERATION`),
    so garbage in cycles would pile up between its runs (a ctypes buffer per legacy-encoded input did)."""
    items = _items(tmp_path)
    (tmp_path / "gbk.txt").write_bytes(("关于印发通知的通知\n" + "各部门要认真贯彻执行。" * 20).encode("gbk"))
    items.append(_worker.PathItem(tmp_path / "gbk.txt", tmp_path))  # tried as EUC-TW among others
    _worker.run_batch(items, Options())  # once first: what loads on first use is no garbage
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        _worker.run_batch(items, Options())
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert left == []
