# Training across processes (only with -DTOPICS_MPI=ON): the AD-LDA sampler on a planted corpus
# and the command under mpirun, each with 2 and 4 processes (and the sampler with 1).
if(TOPICS_MPI)
  set(TOPICS_MPIRUN ${MPIEXEC_EXECUTABLE} --allow-run-as-root --oversubscribe)
  add_executable(mpi_train ${CMAKE_CURRENT_SOURCE_DIR}/mpi_train.c)
  target_link_libraries(mpi_train PRIVATE topics_core)
  foreach(np 1 2 4)
    add_test(NAME mpi_train_np${np} COMMAND ${TOPICS_MPIRUN} -np ${np} $<TARGET_FILE:mpi_train>)
    set_tests_properties(mpi_train_np${np} PROPERTIES LABELS mpi TIMEOUT 600)
  endforeach()
  foreach(np 2 4)
    add_test(NAME mpi_cli_np${np}
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/mpi_cli.sh $<TARGET_FILE:topics> ${CMAKE_SOURCE_DIR}
        ${np} ${MPIEXEC_EXECUTABLE})
    set_tests_properties(mpi_cli_np${np} PROPERTIES LABELS mpi TIMEOUT 600)
  endforeach()
  if(TOPICS_SANITIZE)
    set_property(TEST mpi_train_np1 mpi_train_np2 mpi_train_np4 mpi_cli_np2 mpi_cli_np4 APPEND PROPERTY
      ENVIRONMENT "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/mpi.lsan.supp:fast_unwind_on_malloc=0")
  endif()
endif()
