"""Exercise modules, one per lecture: ``lNN_topic.py`` registers the exercises of lecture NN.

Every module here whose name does not start with ``_`` is imported automatically by
:mod:`adamlib.grading.registry`; drop in a new module and its exercises exist. See
``adamlib/grading/README.md`` for how to define an exercise.
"""
