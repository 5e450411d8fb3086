"""The REST JSON API (API.md), described at /openapi.json."""
from fastapi import APIRouter

from refportal.api import admin, auth, catalogue, dossiers, public, stepwise

router = APIRouter(prefix="/api")
for module in (auth, catalogue, dossiers, public, admin, stepwise):
    router.include_router(module.router)
