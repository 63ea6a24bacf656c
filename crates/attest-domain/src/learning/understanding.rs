//! A short check of understanding on a read-and-understand text: multiple-choice
//! questions, one right option each, and a pass mark. It belongs to a version (the
//! questions are about that text), so it is fixed once the version is published.

use serde::{Deserialize, Serialize};

use crate::DomainError;

pub const MAX_CHECK_QUESTIONS: usize = 20;
pub const MAX_OPTIONS: usize = 6;
const MAX_PROMPT: usize = 500;
const MAX_OPTION: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckQuestion {
    pub prompt: String,
    pub options: Vec<String>,
    /// The index of the right option.
    pub correct: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnderstandingCheck {
    pub questions: Vec<CheckQuestion>,
    /// Right answers needed to pass.
    pub pass_mark: u32,
}

/// A question as a reader sees it: no right answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderQuestion {
    pub prompt: String,
    pub options: Vec<String>,
}

/// A check of understanding as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderCheck {
    pub questions: Vec<ReaderQuestion>,
    pub pass_mark: u32,
}

/// How an attempt went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub correct: u32,
    pub total: u32,
    pub pass_mark: u32,
    pub passed: bool,
}

fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl UnderstandingCheck {
    /// A check as an author wrote it: whitespace tidied, and every rule checked with
    /// the question (numbered from 1) it broke.
    pub fn new(questions: Vec<CheckQuestion>, pass_mark: u32) -> Result<Self, DomainError> {
        if questions.is_empty() {
            return Err(DomainError::invalid(
                "questions",
                "a check of understanding needs at least one question",
            ));
        }
        if questions.len() > MAX_CHECK_QUESTIONS {
            return Err(DomainError::invalid(
                "questions",
                format!(
                    "{} questions; a check of understanding has at most {MAX_CHECK_QUESTIONS}",
                    questions.len()
                ),
            ));
        }
        let mut tidied = Vec::with_capacity(questions.len());
        for (index, question) in questions.into_iter().enumerate() {
            tidied.push(tidy_question(index + 1, question)?);
        }
        if pass_mark == 0 || pass_mark > count(tidied.len()) {
            return Err(DomainError::invalid(
                "passMark",
                format!(
                    "{pass_mark} is not between 1 and the number of questions ({})",
                    tidied.len()
                ),
            ));
        }
        Ok(Self {
            questions: tidied,
            pass_mark,
        })
    }

    /// The check without its answers, for the reader.
    pub fn for_reader(&self) -> ReaderCheck {
        ReaderCheck {
            questions: self
                .questions
                .iter()
                .map(|question| ReaderQuestion {
                    prompt: question.prompt.clone(),
                    options: question.options.clone(),
                })
                .collect(),
            pass_mark: self.pass_mark,
        }
    }

    /// Scores an attempt: one chosen option per question, in order. An attempt that
    /// does not answer every question with one of its options is refused (not failed).
    pub fn score(&self, chosen: &[usize]) -> Result<Score, DomainError> {
        if chosen.len() != self.questions.len() {
            return Err(DomainError::invalid(
                "understanding",
                format!(
                    "answer all {} questions (one option each); {} answers were given",
                    self.questions.len(),
                    chosen.len()
                ),
            ));
        }
        let mut correct = 0;
        for (index, (question, choice)) in self.questions.iter().zip(chosen).enumerate() {
            if *choice >= question.options.len() {
                return Err(DomainError::invalid(
                    "understanding",
                    format!(
                        "question {} has {} options; option {} does not exist",
                        index + 1,
                        question.options.len(),
                        choice + 1
                    ),
                ));
            }
            if *choice == question.correct {
                correct += 1;
            }
        }
        Ok(Score {
            correct,
            total: count(self.questions.len()),
            pass_mark: self.pass_mark,
            passed: correct >= self.pass_mark,
        })
    }
}

fn tidy_question(number: usize, question: CheckQuestion) -> Result<CheckQuestion, DomainError> {
    let refuse = |message: String| {
        Err(DomainError::invalid(
            "questions",
            format!("question {number}: {message}"),
        ))
    };
    let prompt = tidy(&question.prompt);
    if prompt.is_empty() {
        return refuse("the question is empty".to_owned());
    }
    if prompt.chars().count() > MAX_PROMPT {
        return refuse(format!(
            "the question is longer than {MAX_PROMPT} characters"
        ));
    }
    let options: Vec<String> = question.options.iter().map(|o| tidy(o)).collect();
    if !(2..=MAX_OPTIONS).contains(&options.len()) {
        return refuse(format!(
            "{} options; give between 2 and {MAX_OPTIONS}",
            options.len()
        ));
    }
    for (index, option) in options.iter().enumerate() {
        if option.is_empty() {
            return refuse(format!("option {} is empty", index + 1));
        }
        if option.chars().count() > MAX_OPTION {
            return refuse(format!(
                "option {} is longer than {MAX_OPTION} characters",
                index + 1
            ));
        }
        if options[..index]
            .iter()
            .any(|earlier| earlier.eq_ignore_ascii_case(option))
        {
            return refuse(format!("option {} repeats an earlier option", index + 1));
        }
    }
    if question.correct >= options.len() {
        return refuse(format!(
            "the right answer is option {}, but there are {} options",
            question.correct + 1,
            options.len()
        ));
    }
    Ok(CheckQuestion {
        prompt,
        options,
        correct: question.correct,
    })
}
