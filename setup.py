"""Packaging beyond pyproject.toml: templates/ stays at the top of the repository (where a
bureau finds it) and ships as the package pbgen.templates; pbgen/resources.py finds either.
Every package under pbgen/ is found, so a new one cannot be left out of the wheel."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["pbgen", "pbgen.*"], exclude=["*.__pycache__"]),
        "pbgen.templates",
        *(f"pbgen.templates.{name}" for name in find_namespace_packages(where="templates")),
    ],
    package_dir={"pbgen.templates": "templates"},
)
