"""pbgen: a department's 部门预算绩效文本 as one YAML file, checked and rendered.

The pipeline is load → check → context → render → write; ``pbgen.pipeline`` is the API.
"""

__version__ = "0.1.0"
