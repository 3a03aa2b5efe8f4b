"""bolt"""
