# Copyright: mlops.azure contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile contract every mlops.azure module keeps.

Pure Python: no Ansible and no Azure imports, so every rule here is unit-tested without a network.

A module describes its resource as a *shape*: a plain dict whose keys are the module's option names
(ARM property names in snake_case), read back from Azure with server defaults filled in. The contract:

1. read the current shape (``None`` when the resource does not exist);
2. build the desired shape from ONLY the options the user set (``prune`` drops the unset ones);
3. ``compare`` desired against current with per-path ``rules`` (case, ids, locations, IP prefixes,
   lists Azure treats as sets), collecting differences in a ``DifferenceTracker``;
4. refuse irreversible or impossible changes (``Refusal``) before any write;
5. act unless in check mode; in check mode ``merge`` predicts the full result;
6. re-read, and return the resource and ``diff`` (before / after).

``reconcile`` drives these steps for an ``AzureResource`` subclass.
"""

from __future__ import annotations

import copy
import ipaddress

# ---------------------------------------------------------------------------------------------
# Normalisers: map a value to the form Azure compares by. They never change what is sent.
# ---------------------------------------------------------------------------------------------


def norm_ci(value):
    """Case-insensitive strings (ARM enums such as ``Deny`` / ``deny``, SKU names, kinds)."""
    if isinstance(value, str):
        return value.casefold()
    return value


def norm_location(value):
    """``West Europe``, ``westeurope`` and ``WestEurope`` are the same Azure location."""
    if isinstance(value, str):
        return value.replace(" ", "").casefold()
    return value


def norm_id(value):
    """ARM resource ids compare case-insensitively and without a trailing slash."""
    if isinstance(value, str):
        return value.strip().rstrip("/").casefold()
    return value


def norm_ip(value):
    """``1.2.3.4``, ``1.2.3.4/32`` and ``1.2.3.0/24`` vs ``1.2.3.7/24``: the network Azure stores."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return text.casefold()
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network)


def canonical_ip(value, single_suffix=False):
    """The form to send: a bare address for one host (``single_suffix`` adds ``/32``), else the network."""
    normalised = norm_ip(value)
    if not isinstance(normalised, str) or "/" in normalised:
        return normalised
    try:
        address = ipaddress.ip_address(normalised)
    except ValueError:
        return value
    if single_suffix:
        return f"{address}/{address.max_prefixlen}"
    return str(address)


# ---------------------------------------------------------------------------------------------
# Rules: how a path is compared and merged.
# ---------------------------------------------------------------------------------------------


class ListOf:
    """A list of scalars. ``ordered=False`` (the default) compares as a set, as Azure treats IP rules."""

    def __init__(self, norm=None, ordered=False):
        self.norm = norm
        self.ordered = ordered

    def key(self, values):
        norm = self.norm or (lambda v: v)
        items = [norm(v) for v in values or []]
        if self.ordered:
            return items
        return sorted(set(items), key=repr)


class ListByKey:
    """A list of dicts matched by one key (a container name, a subnet id).

    Desired items are compared field by field with the current item of the same key; the item rules
    apply at ``<list path>.<field>``. ``exclusive=True`` makes current items that the user did not list
    a difference (and ``merge`` drops them); otherwise they are left alone.
    """

    def __init__(self, key, exclusive=False):
        self.key = key
        self.exclusive = exclusive


class Exact:
    """A dict compared and merged as a whole: keys missing from desired count (``tags`` with append off)."""


EXACT = Exact()


def tag_rules(append_tags):
    """``tags`` merged into the current tags (append, the default) or replacing them (``append_tags: false``)."""
    return {} if append_tags else {"tags": EXACT}


def _rule(rules, path):
    return (rules or {}).get(path)


def _scalar_norm(rules, path):
    rule = _rule(rules, path)
    if callable(rule):
        return rule
    return None


def _norm_scalar(value, rules, path):
    norm = _scalar_norm(rules, path)
    return norm(value) if norm else value


def _join(path, key):
    return f"{path}.{key}" if path else str(key)


def _item_path(path, key_value):
    return f"{path}[{key_value}]"


# ---------------------------------------------------------------------------------------------
# Differences
# ---------------------------------------------------------------------------------------------


class DifferenceTracker:
    """The differences found between desired and current, in the order found.

    Each difference is ``(path, before, after)`` with a dotted path (``network_acls.ip_rules``,
    ``blob_containers[models].public_access``).
    """

    def __init__(self):
        self._differences = []

    def add(self, path, before, after):
        self._differences.append((path, copy.deepcopy(before), copy.deepcopy(after)))

    def __bool__(self):
        return bool(self._differences)

    __nonzero__ = __bool__

    def __len__(self):
        return len(self._differences)

    def __iter__(self):
        return iter(self._differences)

    @property
    def paths(self):
        return [path for path, _before, _after in self._differences]

    def touches(self, prefix):
        """Whether any difference lies at ``prefix`` or below it."""
        for path in self.paths:
            if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
                return True
        return False

    def top_level(self):
        """The first path components that differ (``network_acls`` for ``network_acls.bypass``)."""
        seen = []
        for path in self.paths:
            head = path.split(".", 1)[0].split("[", 1)[0]
            if head not in seen:
                seen.append(head)
        return seen

    def get_before_after(self):
        """Two flat dicts, path -> value, holding only what differs."""
        before = {}
        after = {}
        for path, old, new in self._differences:
            before[path] = old
            after[path] = new
        return before, after

    def __repr__(self):
        return f"DifferenceTracker({self._differences!r})"


# ---------------------------------------------------------------------------------------------
# prune / compare / merge
# ---------------------------------------------------------------------------------------------


def prune(value):
    """Drop ``None`` values recursively: what is left is what the user set."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if item is None:
                continue
            result[key] = prune(item)
        return result
    if isinstance(value, list):
        return [prune(item) for item in value]
    return value


def compare(desired, current, rules=None, tracker=None, path=""):
    """Compare ``desired`` (only what the user set) with ``current`` and return a ``DifferenceTracker``.

    - dicts: only the keys present in desired are compared (unless the path's rule is ``EXACT``);
    - lists: ``ListOf`` (set or ordered, with a normaliser), ``ListByKey``, or plain ordered equality;
    - scalars: equal after the path's normaliser (a callable in ``rules``).
    ``current`` may be ``None`` (the whole desired value then differs).
    """
    if tracker is None:
        tracker = DifferenceTracker()
    if desired is None:
        return tracker
    rule = _rule(rules, path)

    if isinstance(desired, dict) and not isinstance(rule, Exact):
        current_dict = current if isinstance(current, dict) else {}
        if current is not None and not isinstance(current, dict):
            tracker.add(path, current, desired)
            return tracker
        for key, value in desired.items():
            if value is None:
                continue
            compare(value, current_dict.get(key), rules, tracker, _join(path, key))
        return tracker

    if isinstance(rule, Exact):
        if _exact_key(desired, rules, path) != _exact_key(current if current is not None else {}, rules, path):
            tracker.add(path, current, desired)
        return tracker

    if isinstance(rule, ListByKey):
        _compare_keyed(desired, current, rule, rules, tracker, path)
        return tracker

    if isinstance(rule, ListOf):
        if rule.key(desired) != rule.key(current):
            tracker.add(path, current, desired)
        return tracker

    if isinstance(desired, list):
        if not _lists_equal(desired, current, rules, path):
            tracker.add(path, current, desired)
        return tracker

    if _norm_scalar(desired, rules, path) != _norm_scalar(current, rules, path):
        tracker.add(path, current, desired)
    return tracker


def _exact_key(value, rules, path):
    if isinstance(value, dict):
        return dict((k, _exact_key(v, rules, _join(path, k))) for k, v in value.items())
    if isinstance(value, list):
        return [_exact_key(v, rules, path) for v in value]
    return _norm_scalar(value, rules, path)


def _lists_equal(desired, current, rules, path):
    if not isinstance(current, list) or len(desired) != len(current):
        return False
    for want, have in zip(desired, current):
        if isinstance(want, (dict, list)):
            if compare(want, have, rules, path=path):
                return False
        elif _norm_scalar(want, rules, path) != _norm_scalar(have, rules, path):
            return False
    return True


def _keyed_index(items, rule, rules, path):
    index = {}
    order = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        key = _norm_scalar(item.get(rule.key), rules, _join(path, rule.key))
        if key not in index:
            order.append(key)
        index[key] = item
    return index, order


def _compare_keyed(desired, current, rule, rules, tracker, path):
    have, _order = _keyed_index(current, rule, rules, path)
    wanted = set()
    for item in desired or []:
        key = _norm_scalar(item.get(rule.key), rules, _join(path, rule.key))
        wanted.add(key)
        item_path = _item_path(path, item.get(rule.key))
        if key not in have:
            tracker.add(item_path, None, item)
            continue
        current_item = have[key]
        for field, value in item.items():
            if field == rule.key or value is None:
                continue
            sub = compare(value, current_item.get(field), rules, path=_join(path, field))
            for sub_path, before, after in sub:
                tracker.add(item_path + sub_path[len(path) :], before, after)
    if rule.exclusive:
        for item in current or []:
            key = _norm_scalar(item.get(rule.key), rules, _join(path, rule.key))
            if key not in wanted:
                tracker.add(_item_path(path, item.get(rule.key)), item, None)


def merge(current, desired, rules=None, path=""):
    """Predict the shape after applying ``desired`` to ``current``.

    Values equal under the path's rule keep the current spelling, so an idempotent run predicts exactly
    the current shape (``diff.before == diff.after``).
    """
    if desired is None:
        return copy.deepcopy(current)
    rule = _rule(rules, path)

    if isinstance(rule, Exact):
        if current is not None and not compare(desired, current, rules, path=path):
            return copy.deepcopy(current)
        return copy.deepcopy(desired)

    if isinstance(desired, dict):
        result = copy.deepcopy(current) if isinstance(current, dict) else {}
        for key, value in desired.items():
            if value is None:
                continue
            result[key] = merge(result.get(key), value, rules, _join(path, key))
        return result

    if isinstance(rule, ListByKey):
        return _merge_keyed(current, desired, rule, rules, path)

    if isinstance(rule, ListOf) or isinstance(desired, list):
        if current is not None and not compare(desired, current, rules, path=path):
            return copy.deepcopy(current)
        return copy.deepcopy(desired)

    if current is not None and _norm_scalar(desired, rules, path) == _norm_scalar(current, rules, path):
        return current
    return desired


def _merge_keyed(current, desired, rule, rules, path):
    have, order = _keyed_index(current, rule, rules, path)
    wanted = {}
    new_keys = []
    for item in desired or []:
        key = _norm_scalar(item.get(rule.key), rules, _join(path, rule.key))
        wanted[key] = item
        if key not in have:
            new_keys.append(key)
    result = []
    for key in order:
        if key in wanted:
            merged = merge(have[key], dict((k, v) for k, v in wanted[key].items() if k != rule.key), rules, path)
            result.append(merged)
        elif not rule.exclusive:
            result.append(copy.deepcopy(have[key]))
    for key in new_keys:
        result.append(copy.deepcopy(wanted[key]))
    return result


# ---------------------------------------------------------------------------------------------
# Refusals and the driver
# ---------------------------------------------------------------------------------------------


class Refusal(Exception):
    """A change the module will not make. Raised before any write; the message says why and what to do."""

    def __init__(self, msg, **details):
        super().__init__(msg)
        self.msg = msg
        self.details = details


class NotConverged(Exception):
    """A write returned, but the resource read back is still ``Failed`` or ``Canceled``."""

    def __init__(self, msg, resource=None):
        super().__init__(msg)
        self.msg = msg
        self.resource = resource


# Terminal provisioning states that mean "not converged": the next run sends the desired state again.
FAILED_STATES = ("failed", "canceled")


def provisioning_failed(shape):
    """Whether a shape's ``provisioning_state`` is ``Failed`` or ``Canceled`` (any case)."""
    state = (shape or {}).get("provisioning_state")
    return isinstance(state, str) and state.casefold() in FAILED_STATES


class AzureResource:
    """One Azure resource as a module sees it. Subclass and fill in ``read``/``create``/``update``/``delete``.

    Class attributes:
    - ``kind``: words for messages (``"key vault"``);
    - ``rules``: path -> rule for ``compare``/``merge``;
    - ``immutable``: path -> sentence, for settings Azure cannot change after creation (the driver
      refuses a change of any of them before calling Azure). The sentence may name the current value as
      ``{before}`` and the asked one as ``{after}`` (to say which value to keep).
    """

    kind = "resource"
    rules = {}
    immutable = {}

    def __init__(self, name, check_mode=False):
        self.name = name
        self.check_mode = check_mode

    @property
    def label(self):
        return f"{self.kind} '{self.name}'"

    # -- to implement -------------------------------------------------------------------------
    def read(self):
        """The current shape, or ``None`` when the resource does not exist."""
        raise NotImplementedError

    def create(self, desired):
        raise NotImplementedError

    def update(self, desired, current, differences):
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

    # -- optional hooks -----------------------------------------------------------------------
    def check(self, desired, current):
        """Refuse (raise ``Refusal``) what cannot be done, before any write. ``current`` may be None."""
        for path, why in self.immutable.items():
            if current is None:
                continue
            sub = compare(get_path(desired, path), get_path(current, path), self.rules, path=path)
            if sub:
                before, after = get_path(current, path), get_path(desired, path)
                why = why.replace("{before}", str(before)).replace("{after}", str(after))
                raise Refusal(f"{self.label}: {path} cannot be changed from {before!r} to {after!r}. {why}")

    def predict_create(self, desired):
        """The shape a create would give. Override to add server defaults and the id."""
        return copy.deepcopy(desired)

    def predict_update(self, desired, current):
        return merge(current, desired, self.rules)

    def predict_repair(self, desired, current):
        """The shape a repair of a ``Failed`` resource would give: the update's prediction, ``Succeeded``."""
        predicted = self.predict_update(desired, current)
        predicted["provisioning_state"] = "Succeeded"
        return predicted

    def repair(self, desired, current, differences):
        """Bring a ``Failed`` or ``Canceled`` resource back: Azure's documented repair for most types is the same
        PUT again, so send the full desired state (the current settings with the user's on top) as a create."""
        self.create(self.predict_update(desired, current))

    def check_absent(self, current):
        """Refuse a delete (raise ``Refusal``), e.g. when it would lose data without the named option."""

    def ensure_absent(self, current):
        """Make the resource absent; return (changed, before, after). Override for soft-delete lifecycles."""
        if current is None:
            return False, {}, {}
        self.check_absent(current)
        if not self.check_mode:
            self.delete(current)
        return True, current, {}


def get_path(shape, path):
    """The value at a dotted ``path`` of a nested dict (a shape, or a REST body), or None."""
    value = shape
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def reconcile(resource, desired, state="present"):
    """Drive ``resource`` to ``desired`` (or absent) and return ``{changed, diff, resource}``.

    ``desired`` holds only what the user set (see ``prune``). In check mode nothing is written and
    ``resource``/``diff.after`` are the prediction. A resource whose ``provisioning_state`` is ``Failed`` or
    ``Canceled`` is not converged: it is repaired (``repair``) even when every setting matches, and a write that
    leaves it in such a state raises ``NotConverged``.
    """
    current = resource.read()
    if state == "absent":
        changed, before, after = resource.ensure_absent(current)
        return {"changed": changed, "diff": {"before": before, "after": after}, "resource": None}

    resource.check(desired, current)

    if current is None:
        if resource.check_mode:
            predicted = resource.predict_create(desired)
            return {"changed": True, "diff": {"before": {}, "after": predicted}, "resource": predicted}
        resource.create(desired)
        after = _read_converged(resource, "created")
        return {"changed": True, "diff": {"before": {}, "after": after or {}}, "resource": after}

    failed = provisioning_failed(current)
    differences = compare(desired, current, resource.rules)
    if not differences and not failed:
        return {"changed": False, "diff": {"before": current, "after": current}, "resource": current}
    if resource.check_mode:
        predict = resource.predict_repair if failed else resource.predict_update
        predicted = predict(desired, current)
        return {"changed": True, "diff": {"before": current, "after": predicted}, "resource": predicted}
    if failed:
        resource.repair(desired, current, differences)
        after = _read_converged(resource, "repaired (it was {})".format(current.get("provisioning_state")))
    else:
        resource.update(desired, current, differences)
        after = _read_converged(resource, "updated")
    return {"changed": True, "diff": {"before": current, "after": after or {}}, "resource": after}


def _read_converged(resource, what):
    after = resource.read()
    if provisioning_failed(after):
        raise NotConverged(
            "{} was {} but Azure reports it in provisioning state {}. What to do: run again (the next run sends the "
            "desired state again, which is how Azure repairs a failed resource); if it stays {}, read the resource's "
            "activity log for the cause.".format(
                resource.label, what, after.get("provisioning_state"), after.get("provisioning_state")
            ),
            resource=after,
        )
    return after
