"""Knowledge graph of Tianjin's 14th Five-Year Science & Technology Innovation Plan.

The library behind the ``kg`` command: the ontology's terms (:mod:`kg.terms`),
the section index of the plan (:mod:`kg.sections`), checks of the entity lists
(:mod:`kg.checks`), the RDF build (:mod:`kg.build`) and SHACL validation
(:mod:`kg.shacl`).
"""

__version__ = "0.1.0"
