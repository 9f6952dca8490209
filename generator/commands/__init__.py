"""The commands behind the CLI: ``build``, ``validate``, ``snapshot``, ``publish`` and ``diff``.

The only callers of ``cache``, ``site`` and ``versions``: each puts the pure stages (report,
pages) together with the files and branches they read and write."""
