"""Advice of the employee's manager on something HR reviews ("P&O beoordeelt de melding samen met je
leidinggevende", code of conduct).

A reviewer asks the employee's manager (the directory's ``manager`` attribute, resolved with
``portal.auth.queries.manager_of`` at the moment of asking) one question about one subject. The
manager reads, at /review/advice/<id>, only what the subject shows a manager (for a side activity:
what, for whom, hours, paid or not; never financial interests, other declarations, internal notes
or HR's history) and answers with an opinion and an explanation. HR sees the advice on the review
page in a block of its own, apart from the internal notes.

Files, with the roles of every area: ``models.py`` (AdviceRequest), ``states.py`` (its lifecycle
and the opinions), ``subjects.py`` (the registry of what advice can be asked about: side
activities here, gifts from ``portal.gifts.advice``), ``services.py`` (ask, answer, withdraw), ``queries.py``, ``forms.py``,
``mails.py``. The views are in ``portal.review.routes.advice``; the access helper for the
manager is ``portal.review.access.load_advice_for_manager``.
"""
