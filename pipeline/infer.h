/* `topics infer --model DIR PATH...`: the topic mixes and tags of new talks under a saved model
 * (model.topics, written by `topics -o DIR`). */
#ifndef TOPICS_INFER_H
#define TOPICS_INFER_H

/* argv[0] is "infer". Returns the exit status: 0 success, 1 the run failed (reported on stderr),
 * 2 the command line is wrong. */
int infer_main(int argc, char **argv);

#endif
