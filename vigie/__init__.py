"""Vigie: the application shell (settings, runtime services, CLI, migrations, policy data).

The product's own layers live in the top-level packages: ``workflows``, ``activities``,
``models``, ``detection`` and ``api``.
"""
