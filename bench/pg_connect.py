"""What CONN_MAX_AGE saves: the cost of a new PostgreSQL connection against a query on an open one.

    .venv/bin/python bench/pg_connect.py [DATABASE_URL]

Opens 50 connections (each with one ``SELECT 1``) and runs 200 ``SELECT 1`` on one open connection;
prints the medians in ms. With ``CONN_MAX_AGE = 0`` Django opens a connection for every request.
"""

import statistics
import sys
import time

import psycopg


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/postgres"
    url = url.replace("postgres://", "postgresql://", 1)
    opened = []
    for _ in range(50):
        started = time.perf_counter()
        with psycopg.connect(url) as conn:
            conn.execute("SELECT 1").fetchone()
        opened.append((time.perf_counter() - started) * 1000)
    reused = []
    with psycopg.connect(url) as conn:
        for _ in range(200):
            started = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            reused.append((time.perf_counter() - started) * 1000)
    print(
        f"new connection + SELECT 1: median {statistics.median(opened):.2f} ms; "
        f"SELECT 1 on an open connection: median {statistics.median(reused):.3f} ms"
    )


if __name__ == "__main__":
    main()
