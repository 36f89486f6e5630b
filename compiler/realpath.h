/*
 * realpath.h - stagec_realpath(), shared by the library and the drivers.
 */
#ifndef STAGEC_REALPATH_H
#define STAGEC_REALPATH_H

/* realpath(), with the last folders it resolved remembered (realpath.c). */
char *stagec_realpath(const char *path, char *resolved);
struct stat;
/* The same, and *st the stat of what path resolves to (a symlink
 * followed): one lstat for a plain file in a remembered folder. */
char *stagec_realpath_stat(const char *path, char *resolved, struct stat *st);

#endif
