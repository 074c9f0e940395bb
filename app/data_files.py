"""What every data file of the project (questionnaires, diagnosis programmes, evaluation
tables) shares: frozen pydantic models that refuse unknown keys, bilingual texts, and load
errors that name the file and the field path."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

M = TypeVar("M", bound=BaseModel)


class DataFileError(Exception):
    """A malformed data file; ``problems`` holds (field path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(
            f"{prefix}{path}: {msg}" if path else f"{prefix}{msg}" for path, msg in self.problems
        )


class Frozen(BaseModel):
    # Unknown keys are errors: a misspelt `requried: false` must not pass silently. Frozen:
    # a loaded file is cached and shared by every request.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Frozen):
    zh: NonEmpty
    en: NonEmpty

    def get(self, locale: Any) -> str:
        return self.en if str(locale).lower().startswith("en") else self.zh


def field_path(loc: tuple[int | str, ...]) -> str:
    """('sections', 2, 'questions', 4, 'options') -> 'sections[2].questions[4].options'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse(model: type[M], data: Any, source: str, error: type[DataFileError] = DataFileError) -> M:
    """Validate already-parsed YAML; every problem becomes an ``error`` naming ``source``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [(field_path(e["loc"]), e["msg"]) for e in exc.errors(include_url=False)]
        raise error(problems, source) from None
    except DataFileError as exc:
        raise error(exc.problems, source) from None


def load(model: type[M], path: Path, error: type[DataFileError] = DataFileError) -> M:
    """The YAML file at ``path`` as ``model``; its ``id`` must be the file's name."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise error([("", f"cannot be read: {exc}")], path.name) from exc
    loaded = parse(model, data, path.name, error)
    identifier = getattr(loaded, "id", path.stem)
    if identifier != path.stem:
        problem = ("id", f"'{identifier}' differs from the file name '{path.stem}'")
        raise error([problem], path.name)
    return loaded
