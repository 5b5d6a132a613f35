"""The pipeline runner and the stage protocol."""

from sigil.pipeline.stage import NoOptions, Stage, StageContext, StageOutput, StageResult

__all__ = ["NoOptions", "Stage", "StageContext", "StageOutput", "StageResult"]
