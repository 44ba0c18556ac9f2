"""Dense embeddings: a sentence-transformers encoder that loads fast or fails clearly."""

from embeddings.encoder import Encoder, load_encoder, select_prompts

__all__ = ["Encoder", "load_encoder", "select_prompts"]
