"""Processing jobs: ``from sagemaker_lite.processing import ScriptProcessor, ProcessingInput, ProcessingOutput``.

The official ``sagemaker.processing`` names, split by job: ``io`` (inputs and outputs),
``request`` (the pure CreateProcessingJob builder), ``processor`` (``Processor``,
``ScriptProcessor``), ``framework`` (``FrameworkProcessor`` and the framework ones), ``job``
(``ProcessingJob``). Submodules load on first use, so importing this package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from ..network import NetworkConfig as NetworkConfig
    from .framework import FrameworkProcessor as FrameworkProcessor
    from .framework import PyTorchProcessor as PyTorchProcessor
    from .framework import SKLearnProcessor as SKLearnProcessor
    from .framework import TensorFlowProcessor as TensorFlowProcessor
    from .framework import XGBoostProcessor as XGBoostProcessor
    from .io import ProcessingInput as ProcessingInput
    from .io import ProcessingOutput as ProcessingOutput
    from .job import ProcessingJob as ProcessingJob
    from .processor import Processor as Processor
    from .processor import ScriptProcessor as ScriptProcessor

_LAZY = {
    "ProcessingInput": ".io",
    "ProcessingOutput": ".io",
    "ProcessingJob": ".job",
    "Processor": ".processor",
    "ScriptProcessor": ".processor",
    "FrameworkProcessor": ".framework",
    "PyTorchProcessor": ".framework",
    "SKLearnProcessor": ".framework",
    "TensorFlowProcessor": ".framework",
    "XGBoostProcessor": ".framework",
    "NetworkConfig": "..network",
}
__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
