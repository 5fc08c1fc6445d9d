"""The ceiling: a bare Flask app under the same gunicorn settings as the portal.

``gunicorn -c gunicorn.conf.py bench.hello:app`` (run.py starts it).
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
