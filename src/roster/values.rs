//! Parsing cells: money and numbers in the forms real exports use, and dates.
