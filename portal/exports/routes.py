"""The person's exports: the list, one export's progress, and its download."""

from __future__ import annotations

from flask import abort, render_template, send_file
from flask_login import current_user, login_required

from portal.core.pagination import paginate
from portal.exports import bp
from portal.exports.access import get_export
from portal.exports.kinds import export_kind
from portal.exports.services import my_exports_query, record_download, stored_path

#: the progress page reloads itself this often while the file is being made
REFRESH_SECONDS = 3


@bp.route("/")
@login_required
def index():
    """The exports this person asked for, newest first."""
    page = paginate(my_exports_query(current_user), 20)
    return render_template("exports/index.html", page=page, kind_of=export_kind)


@bp.route("/<int:job_id>")
@login_required
def detail(job_id: int):
    """One export: its progress while it is being made, then the download."""
    job = get_export(job_id, current_user)
    return render_template("exports/detail.html", job=job, kind=export_kind(job.kind),
                           available=stored_path(job) is not None, refresh=REFRESH_SECONDS)


@bp.route("/<int:job_id>/download")
@login_required
def download(job_id: int):
    """The file, for the person who asked while they hold the role; every download is audited."""
    job = get_export(job_id, current_user)
    path = stored_path(job)
    if path is None:
        abort(404)
    record_download(job, current_user)
    kind = export_kind(job.kind)
    mimetype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if kind.file_format == "xlsx"
                else "text/csv; charset=utf-8")
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=job.download_name,
                         max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"  # exports hold personal data
    return response
