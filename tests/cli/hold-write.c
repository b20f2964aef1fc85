/* hold-write.c – another program writing to a store: holds its write lock until stdin closes */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Usage: hold-write STORE. Opens STORE with SQLite alone, takes the write
 * lock as a long import would (BEGIN IMMEDIATE), prints "holding" once it
 * has it, and keeps it until its standard input ends; then it rolls back
 * and exits 0. A test learns that the lock is taken from the line, and
 * ends the hold by closing the pipe: no time is measured. */

#include <stdio.h>
#include <sqlite3.h>

int
main (int   argc,
      char *argv[])
{
  sqlite3 *db = NULL;
  char buffer[256];

  if (argc != 2)
    {
      fprintf (stderr, "usage: hold-write STORE\n");
      return 2;
    }

  if (sqlite3_open_v2 (argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "hold-write: %s\n", db != NULL ? sqlite3_errmsg (db) : "cannot open");
      sqlite3_close (db);
      return 1;
    }

  printf ("holding\n");
  fflush (stdout);

  while (fgets (buffer, sizeof buffer, stdin) != NULL)
    ;

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  return 0;
}
