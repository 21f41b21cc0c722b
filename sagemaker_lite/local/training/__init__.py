"""The local training-job runtime: one job's supervisor and the container contract it honours.

``job`` supervises a job (record, thread, outputs); ``contract`` is the pure ``/opt/ml`` and
``SM_*`` contract; ``channels``/``pipes`` deliver input data; ``hosts`` prepares each host;
``launch`` starts host processes through a runner (a script process, or ``docker``);
``venvs`` installs ``requirements.txt``; ``artifacts`` moves code and outputs in and out.
"""
