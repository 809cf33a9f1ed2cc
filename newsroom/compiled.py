"""Reads whose SQL the ORM writes once per database connection, then runs with new values.

Django writes a queryset's SQL in Python every time the queryset runs. For the few reads
every uncached article page makes, writing the SQL cost several times running it (see
README, Benchmarks: the uncached article page with and without this). A ``CompiledRead``
asks the ORM for the SQL once, from a queryset built with stand-ins for the values that
change, and then runs that SQL with the real values in the stand-ins' places. The SQL is
the ORM's own, so the rule a queryset states (``published()``) is never written twice;
rows become the model instances the ORM builds (its converters, ``Model.from_db``).

The queryset is a ``values_list()`` over one model and the models it joins, each listed
with its fields (``fields_of``), then any annotations; ``run()`` returns, per row, an
instance of each model (None for a join that found nothing) followed by those values.
"""

import datetime
from weakref import WeakKeyDictionary

from django.db import connections, models

# Stand-ins for each kind of value, unlike any real one (the n-th named value gets the n-th).
_STAND_INS = {
    models.DateTimeField: lambda n: datetime.datetime(1901, 2, 3, 4, 5, 6, n, tzinfo=datetime.UTC),
    models.IntegerField: lambda n: -918_273_645 - n,
    models.CharField: lambda n: f"\x01stand-in {n}\x01",
}


def fields_of(model, path: str = "", *, leave_out=()) -> list[str]:
    """The names ``values_list()`` takes for the model's fields, through `path`."""
    return [f"{path}{name}" for name in _attnames(model, leave_out)]


def _attnames(model, leave_out=()) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in leave_out]


class CompiledRead:
    def __init__(self, build, *, models, **values_for):
        """`build(**values)` returns the values_list() queryset; `models` the models of its
        columns, in order (or (model, fields left out)); `values_for` the field each named
        value is compared with."""
        self.build = build
        self.parts = [(m, _attnames(m)) if not isinstance(m, tuple) else (m[0], _attnames(*m))
                      for m in models]  # fmt: skip
        self.values_for = values_for
        self._compiled = WeakKeyDictionary()  # connection -> (sql, params, slots, converters)

    def run(self, using: str = "default", **values) -> list[list]:
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection, using)
        sql, params, slots, compiler, converters = compiled
        params = list(params)
        for index, name in slots.items():
            params[index] = self.values_for[name].get_db_prep_value(values[name], connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [self._instances(using, row) for row in rows]

    def _compile(self, connection, using: str):
        stand_ins = {
            name: _STAND_INS[next(k for k in _STAND_INS if isinstance(field, k))](n)
            for n, (name, field) in enumerate(self.values_for.items())
        }
        compiler = self.build(**stand_ins).query.get_compiler(using)
        sql, params = compiler.as_sql()
        prepared = {
            name: self.values_for[name].get_db_prep_value(value, connection)
            for name, value in stand_ins.items()
        }
        slots = {i: n for i, p in enumerate(params) for n, v in prepared.items() if p == v}
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return sql, tuple(params), slots, compiler, converters

    def _instances(self, using: str, row) -> list:
        found, start = [], 0
        for model, names in self.parts:
            values = row[start : start + len(names)]
            start += len(names)
            found.append(None if values[0] is None else model.from_db(using, names, values))
        return [*found, *row[start:]]
