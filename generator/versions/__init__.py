"""Quarterly snapshots as versions of the site: ``model`` (names, aliases, order: pure),
``snapshot`` (snapshot.json, the figures as of the date), ``deploy`` (a version onto the site
branch with mike), ``git``, ``publish`` (the branch as a plain directory) and ``diff``."""
