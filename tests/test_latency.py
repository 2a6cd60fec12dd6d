from samantha.core.latency import TurnTimes


def test_the_line_gives_each_step_from_the_end_of_speech():
    times = TurnTimes(3, speech_end=10.0, turn_end=10.262, transcript=10.031, first_token=10.4, first_audio=10.55)
    assert times.line() == ("latency from end of speech: transcript +31 ms · end of turn +262 ms · "
                            "first token +400 ms · first audio +550 ms")


def test_missing_steps_are_left_out_and_an_interruption_is_said():
    times = TurnTimes(1, speech_end=2.0, turn_end=2.25, first_token=2.5, interrupted=True)
    assert times.line() == "latency from end of speech: end of turn +250 ms · first token +500 ms (interrupted)"
    assert TurnTimes(2).line() == "latency from end of speech: n/a"
