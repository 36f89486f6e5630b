/* fastgreet: a tiny C extension with one function, greet(name) -> str. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *greet(PyObject *self, PyObject *args) {
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name))
        return NULL;
    return PyUnicode_FromFormat("Hello, %s, from a C extension!", name);
}

static PyMethodDef methods[] = {
    {"greet", greet, METH_VARARGS, "Return a greeting built in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "fastgreet", NULL, -1, methods};

PyMODINIT_FUNC PyInit_fastgreet(void) { return PyModule_Create(&module); }
