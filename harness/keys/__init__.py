"""The key vocabulary, every backend's code for each key, chords and key scripts.

Stdlib only: the stand-in guest runs this module too. See docs/keys.md.
"""

from harness.keys.chord import chord_name, openqa_key_name, parse_chord
from harness.keys.key import Key
from harness.keys.script import (
    Action,
    Chord,
    Hold,
    KeyScriptError,
    Press,
    Wait,
    parse_duration,
    parse_script,
    press_sequence,
    run_script,
    text_actions,
)
from harness.keys.sink import KeySink
from harness.keys.vocabulary import (
    UnknownKeyError,
    all_keys,
    char_to_keys,
    find_key,
    key,
    key_by_evdev,
    key_by_hid_usage,
    key_by_js_code,
    key_by_win32_vk,
    key_names,
    modifiers_from_hid_bits,
)

__all__ = [
    "Action",
    "Chord",
    "Hold",
    "Key",
    "KeyScriptError",
    "KeySink",
    "Press",
    "UnknownKeyError",
    "Wait",
    "all_keys",
    "char_to_keys",
    "chord_name",
    "find_key",
    "key",
    "key_by_evdev",
    "key_by_hid_usage",
    "key_by_js_code",
    "key_by_win32_vk",
    "key_names",
    "modifiers_from_hid_bits",
    "openqa_key_name",
    "parse_chord",
    "parse_duration",
    "parse_script",
    "press_sequence",
    "run_script",
    "text_actions",
]
