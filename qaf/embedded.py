"""The embedded default's server-less Celery broker: kombu's filesystem transport."""

from pathlib import Path


def filesystem_broker_options(folder: Path) -> dict[str, str]:
    """Transport options keeping the queue, processed messages, the exchange table and results
    under `folder` (created if missing). Without `control_folder`, kombu writes its exchange
    table to ./control in whatever directory the process started in."""
    folders = {name: folder / name for name in ("queue", "processed", "control", "results")}
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
    }
