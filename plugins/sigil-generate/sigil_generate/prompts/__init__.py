"""Where prompts come from: a built-in problem suite, a suite file, or a plain prompts JSONL."""

from sigil_generate.prompts.source import PromptItem, PromptSet, load_prompts

__all__ = ["PromptItem", "PromptSet", "load_prompts"]
