// Olm: being written (issue 4).
