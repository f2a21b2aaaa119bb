# The slurm backend: the `slurm` keys of parameters.json, the job script and
# conditions file, sbatch/squeue/scontrol/scancel on the login node.
target_sources(logistician_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/SlurmParameters.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SlurmJob.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SlurmBackend.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SlurmDeploy.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SlurmPreview.cpp
)
