"""Stanley-Brown safety plans: written with the participant, versioned, signed, printable, on the phone."""
