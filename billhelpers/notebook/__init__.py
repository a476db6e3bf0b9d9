"""
billhelpers.notebook
~~~~~~~~~~~~~~~~~~~~

What the chapter notebooks use on top of the client: the chapters' flow helpers
(:mod:`~billhelpers.notebook.tutorial`), ipywidgets forms, DataFrames, the in-notebook webhook
receiver and the settings for running chapters without a person (harness). Nothing below this
layer imports it.
"""
