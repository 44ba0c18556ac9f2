"""HTTP API for qa (FastAPI, served by uvicorn)."""
