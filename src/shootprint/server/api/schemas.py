"""Request and answer bodies of the REST API that are not the core's results.

The answers of computations are the core's typed results (:mod:`shootprint.results`); a production
travels as its document, the same JSON as a production file (``shootprint schema`` describes it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shootprint.results import FactorDetail

Document = dict[str, Any]
DOC = "a production document: the same JSON as a production file (name, activities, …)"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Options(_Body):
    factor_set: str | None = Field(None, max_length=40, description="factor set (default: the productions' own)")
    exclude: list[str] | None = Field(None, max_length=100, description="categories or line tags left out")


class EstimateRequest(_Options):
    production: Document = Field(description=DOC)
    samples: int = Field(0, description="Monte Carlo draws (0: central values only)")
    seed: int = Field(0, description="seed of the draws: the same seed gives the same intervals")
    level: float = Field(0.90, description="level of the intervals")


class CompareRequest(_Options):
    productions: list[Document] = Field(description="two or more production documents", max_length=50)
    samples: int = Field(0, description="Monte Carlo draws shared by the productions (common random numbers)")
    seed: int = 0
    level: float = 0.90


class SensitivityRequest(_Options):
    productions: list[Document] = Field(description="one production (its total) or two (their ratio)", max_length=2)
    base_samples: int = Field(512, description="Saltelli base samples")
    seed: int = 0


class WhatifRequest(_Options):
    production: Document = Field(description=DOC)
    levers: list[str] = Field(default_factory=list, max_length=50, description="levers: NAME or NAME=VALUE")
    sets: dict[str, Any] | None = Field(
        None, description="changes {path: value}, e.g. {'activities.flight.class': 'economy'}"
    )
    samples: int = 2000
    seed: int = 0
    level: float = 0.90


class BreakevenRequest(_Options):
    production: Document = Field(description="production A, whose input varies")
    against: Document = Field(description="production B, the total to reach")
    vary: str = Field(max_length=300, description="a path in A, e.g. activities.flight.distance")


class FactorList(BaseModel):
    """Factors matching a search, valid rows first."""

    model_config = ConfigDict(extra="allow")

    factor_set: str
    count: int
    items: list[FactorDetail]
    close_words: list[str] = Field(default_factory=list, description="close words when nothing matches")


class ProductionBody(_Body):
    document: Document = Field(description=DOC)
    note: str = Field("", max_length=500, description="a note kept with the revision")


class ProductionOut(BaseModel):
    """A stored production: its latest revision's document and what describes it."""

    model_config = ConfigDict(extra="allow")

    id: int
    name: str
    client: str | None
    version: str
    way: str
    revision: int
    etag: str = Field(description="the ETag of the latest revision (send it as If-Match to change the production)")
    created_at: datetime | None = None
    updated_at: datetime
    updated_by: str
    deleted_at: datetime | None = None
    forecast_id: int | None = None
    document: Document | None = None


class ProductionPage(BaseModel):
    model_config = ConfigDict(extra="allow")

    items: list[ProductionOut]
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page; null on the last")


class RevisionOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    number: int
    author: str
    created_at: datetime
    note: str
    etag: str
    document: Document | None = None


class RevisionList(BaseModel):
    items: list[RevisionOut]


class RecordsBody(_Body):
    records: list[dict[str, Any]] | None = Field(
        None, max_length=5000, description="tracker records: objects of runs.jsonl (shootprint track)"
    )
    codecarbon: list[dict[str, Any]] | None = Field(
        None, max_length=5000, description="CodeCarbon emissions.csv rows, as objects (column: value)"
    )


class RejectedRecord(BaseModel):
    model_config = ConfigDict(extra="allow")

    index: int
    run_id: str | None = None
    problems: list[dict[str, Any]]


class RecordsAnswer(BaseModel):
    """What happened to each record of a batch."""

    model_config = ConfigDict(extra="allow")

    accepted: int = Field(description="records stored now")
    duplicates: int = Field(description="records already stored (same run_id): not counted twice")
    rejected: list[RejectedRecord] = Field(description="records refused, each with its problems")
    batch_id: int | None = Field(
        None,
        description="the id of the record batch made of the records stored now (see record-batches); "
        "null when none was stored (all duplicates or refused)",
    )


class StoredRecord(BaseModel):
    model_config = ConfigDict(extra="allow")

    run_id: str
    label: str
    energy_j: float
    received_at: datetime
    record: dict[str, Any]


class RecordList(BaseModel):
    model_config = ConfigDict(extra="allow")

    items: list[StoredRecord]
    count: int
    energy_j: float
    next_cursor: str | None = None


class RecordBatchOut(BaseModel):
    """Measured records that came together (one API request or one uploaded file)."""

    model_config = ConfigDict(extra="allow")

    id: int
    production_id: int
    source: str = Field(description="the file uploaded, or 'REST API'")
    received_at: datetime
    received_by: str = Field(description="who sent it (and through which token)")
    count: int = Field(description="records of the batch")
    energy_j: float = Field(description="their energy, in joules")
    labels: list[str]
    deleted_at: datetime | None = Field(None, description="when it went to the trash (it does not count meanwhile)")


class RecordBatchList(BaseModel):
    model_config = ConfigDict(extra="allow")

    items: list[RecordBatchOut]
    next_cursor: str | None = Field(None, description="the cursor of the next page; null on the last one")
