"""``Wire``: the base of every vendor's request and response models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Wire(BaseModel):
    """A body as the vendor writes or reads it: a field it does not know is an error, so a model
    cannot drift from the documents it describes without a test noticing."""

    model_config = ConfigDict(extra="forbid")
