"""gunicorn settings read from the project's folder (``make run``, ``make bench``; pass
``-c gunicorn.conf.py`` when starting gunicorn from elsewhere)."""
import gc


def post_worker_init(worker):
    """Once a worker has loaded the app: move everything loaded so far (Flask, SQLAlchemy,
    numpy, matplotlib, the catalogues: about a million objects) out of the garbage collector's
    reach. Otherwise every full collection walks them all again, a pause of about 100 ms that
    lands on a request now and then (the 99th percentile of every page)."""
    gc.freeze()
