"""Helpers shared by the benchmark scripts: building ricci, and watching for other builds on the
shared machine (their load is recorded beside every result)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(scratch):
    """Builds the release ricci in `scratch` and returns the binary's path."""
    print(f"building: swift build -c release --product ricci --scratch-path {scratch}", file=sys.stderr)
    subprocess.run(["swift", "build", "-c", "release", "--product", "ricci", "--scratch-path", scratch],
                   cwd=ROOT, check=True)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--scratch-path", scratch, "--show-bin-path"],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    return str(Path(bin_dir) / "ricci")


def other_builds():
    """Compiler and test processes of other people running now (the machine is shared)."""
    names = ("swift-frontend", "swift-build", "swift-driver", "swift-test", "clang", "ld", "xctest", "swiftc")
    try:
        out = subprocess.run(["ps", "-eo", "comm="], capture_output=True, text=True).stdout.split()
    except OSError:
        return 0
    return sum(1 for c in out if c.startswith(names))


class BuildSampler:
    """Samples other people's compiler processes every few seconds while the benchmark runs."""

    def __init__(self, every=5.0):
        import threading
        self.samples, self.busy, self.peak = 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every):
        while not self._stop.is_set():
            n = other_builds()
            self.samples += 1
            self.busy += n > 0
            self.peak = max(self.peak, n)
            self._stop.wait(every)

    def stop(self):
        self._stop.set()
        return self

    def describe(self):
        share = self.busy / max(1, self.samples)
        return (f"compiler processes of other builds seen in {share:.0%} of {self.samples} samples (at most {self.peak})",
                share > 0.1)


def write_section(heading, text, path=None):
    """Writes `text` (which starts with `## heading`) into bench/RESULTS.md: in place of the section
    of that heading when there is one (sections written after it stay after it), else at the end."""
    path = Path(path) if path else ROOT / "bench" / "RESULTS.md"
    old = path.read_text() if path.exists() else "# Benchmark results\n\n"
    start = old.find(f"\n## {heading}\n")
    if start >= 0:
        end = old.find("\n## ", start + 1)
        rest = old[end:] if end >= 0 else "\n"
        path.write_text(old[:start].rstrip() + "\n\n" + text.rstrip() + "\n" + rest)
    else:
        path.write_text(old.rstrip() + "\n\n" + text)
