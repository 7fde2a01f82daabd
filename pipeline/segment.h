/* `topics segment`: print the terms (or with --raw the segmentation) of each input line. */
#ifndef TOPICS_SEGMENT_H
#define TOPICS_SEGMENT_H

/* Runs the subcommand with argv[0] == "segment"; returns the process exit status (0, 1 or 2). */
int segment_main(int argc, char **argv);

#endif
