# qa: question answering over news articles. Runs offline: the model is fetched at build time.
#   docker build --build-arg QA_MODEL=intfloat/multilingual-e5-small -t qa .
#   docker run -p 8000:8000 -v qa-data:/data qa
FROM python:3.11-slim

ARG QA_MODEL=intfloat/multilingual-e5-small
ENV PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    HF_HOME=/opt/hf \
    QA_DATA_DIR=/data

RUN useradd --create-home --uid 10001 qa && mkdir -p /data /opt/hf && chown qa /data

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY qa ./qa
COPY embeddings ./embeddings
COPY server ./server
COPY seeds ./seeds

# CPU-only torch, pinned (the default index would pull several GB of CUDA packages).
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -c constraints.txt .

# Bake the model into the image so the container never needs the network.
RUN python -c "import sys; from sentence_transformers import SentenceTransformer; SentenceTransformer(sys.argv[1])" "$QA_MODEL" \
 && chmod -R a+rX /opt/hf
ENV QA_MODEL=${QA_MODEL} \
    HF_HUB_OFFLINE=1

USER qa
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["sh", "-c", "qa ingest seeds && exec qa serve --host 0.0.0.0 --port 8000"]
