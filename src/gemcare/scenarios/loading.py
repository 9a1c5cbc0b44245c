"""Reading scenario files: every YAML document in the files and folders given is a scenario.

A file that is not valid YAML, or a document that is not a mapping, becomes a scenario that
cannot be played, with a message that says where; the others still run.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class ScenarioSource:
    path: Path
    index: int  # the document's position in its file, from 1
    data: dict | None
    problem: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path}#{self.index}" if self.index > 1 else str(self.path)

    @property
    def name(self) -> str:
        if isinstance(self.data, dict) and isinstance(self.data.get("name"), str):
            return self.data["name"]
        return self.where


def scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files


def load_scenarios(paths: Iterable[str | Path]) -> list[ScenarioSource]:
    sources: list[ScenarioSource] = []
    for path in scenario_files(paths):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            sources.append(ScenarioSource(path, 1, None, f"cannot be read: {error.strerror}"))
            continue
        try:
            documents = [doc for doc in yaml.safe_load_all(text) if doc is not None]
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(error, "problem", None) or str(error)
            sources.append(ScenarioSource(path, 1, None, f"is not valid YAML{where}: {problem}"))
            continue
        if not documents:
            sources.append(ScenarioSource(path, 1, None, "holds no scenario"))
        for index, document in enumerate(documents, start=1):
            if isinstance(document, dict):
                sources.append(ScenarioSource(path, index, document))
            else:
                sources.append(
                    ScenarioSource(path, index, None, "a scenario must be a mapping of keys")
                )
    return sources
